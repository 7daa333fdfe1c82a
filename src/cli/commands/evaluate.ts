import type { Command } from 'commander';
import { AppError } from '../../engine/index';

/** Placeholder until the evaluate command lands; replaced by its implementation. */
export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('(evaluate: not built yet)')
    .action(() => {
      throw new AppError('internal', 'evaluate is not built yet');
    });
}
