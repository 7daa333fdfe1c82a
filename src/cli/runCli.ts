import type { Command } from 'commander';
import { CommanderError } from 'commander';
// The error class only (the engine's barrel would load TensorFlow.js for every command).
import { AppError } from '../shared/errors';

/**
 * Parses argv and runs the chosen command. Expected errors (AppError) print one clear line and
 * exit 1; anything else is a bug: print the stack and exit 2. Commander usage errors exit 2.
 */
export async function runCli(program: Command, argv: string[]): Promise<void> {
  // Subcommands do not inherit exitOverride from a parent configured after they were added.
  const override = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exit(error.exitCode === 0 ? 0 : 2);
    }
    if (error instanceof AppError) {
      process.stderr.write(`error (${error.code}): ${error.message}\n`);
      if (error.detail) process.stderr.write(`${error.detail}\n`);
      process.exit(1);
    }
    process.stderr.write(
      `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(2);
  }
}
