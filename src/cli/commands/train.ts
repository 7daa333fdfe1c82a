import type { Command } from 'commander';
import { AppError } from '../../engine/index';

/** Placeholder until the train command lands; replaced by its implementation. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('(train: not built yet)')
    .action(() => {
      throw new AppError('internal', 'train is not built yet');
    });
}
