import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerCommands } from './commands/index';
import { runCli } from './runCli';

// Loads commander and the one command that runs (see registerCommands): `--version` and
// `--help` load no engine code at all.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const program = new Command();
program
  .name('unet-studio')
  .description('U-Net Studio: train, predict, evaluate and compute weight maps from the command line')
  .version(version)
  .showHelpAfterError('(add --help for usage)');
await registerCommands(program, process.argv.slice(2));
await runCli(program, process.argv);
