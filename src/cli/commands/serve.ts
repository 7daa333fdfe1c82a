import type { Command } from 'commander';
import { AppError } from '../../engine/index';

/** Placeholder until the serve command lands; replaced by its implementation. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('(serve: not built yet)')
    .action(() => {
      throw new AppError('internal', 'serve is not built yet');
    });
}
