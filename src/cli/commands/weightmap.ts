import type { Command } from 'commander';
import { AppError } from '../../engine/index';

/** Placeholder until the weightmap command lands; replaced by its implementation. */
export function registerWeightmap(program: Command): void {
  program
    .command('weightmap')
    .description('(weightmap: not built yet)')
    .action(() => {
      throw new AppError('internal', 'weightmap is not built yet');
    });
}
