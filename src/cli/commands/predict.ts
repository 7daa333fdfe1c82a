import type { Command } from 'commander';
import { AppError } from '../../engine/index';

/** Placeholder until the predict command lands; replaced by its implementation. */
export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('(predict: not built yet)')
    .action(() => {
      throw new AppError('internal', 'predict is not built yet');
    });
}
