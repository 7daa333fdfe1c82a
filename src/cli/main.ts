import { Command } from 'commander';
import { registerCommands } from './commands/index';
import { runCli } from './runCli';

const program = new Command();
program
  .name('unet-studio')
  .description('U-Net Studio: train, predict, evaluate and compute weight maps from the command line')
  .showHelpAfterError();
registerCommands(program);
await runCli(program, process.argv);
