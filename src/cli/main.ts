import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { quietTensorFlowAdvert } from '../engine/index';
import { registerCommands } from './commands/index';
import { runCli } from './runCli';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
quietTensorFlowAdvert();
const program = new Command();
program
  .name('unet-studio')
  .description('U-Net Studio: train, predict, evaluate and compute weight maps from the command line')
  .version(version)
  .showHelpAfterError('(add --help for usage)');
registerCommands(program);
await runCli(program, process.argv);
