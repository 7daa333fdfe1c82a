import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { createStudioService, readRecentProjects } from '../../app/index';
import { AppError } from '../../engine/index';
import { startStudioServer } from '../../server/index';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

interface ServeOptions {
  project?: string;
  last?: boolean;
  port: string;
  host: string;
  root?: string;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new AppError(
      'invalid_argument',
      `--port must be a whole number 0..65535 (0 = any free port), not "${text}".`,
    );
  }
  return port;
}

/**
 * `unet-studio serve [--project DIR | --last] [--port P] [--host H] [--root DIR]`: the browser shell.
 * Prints `U-Net Studio: <url with token>` as the first stdout line, then serves until Ctrl+C.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the U-Net Studio UI to a browser on this machine (token-protected, loopback only)')
    .option('--project <dir>', 'project folder to open')
    .option('--last', 'open the most recently used project (when there is one)')
    .option('--port <port>', 'port to listen on (0 = any free port)', '0')
    .option('--host <host>', 'interface to bind; other than 127.0.0.1 only when you mean it', '127.0.0.1')
    .option(
      '--root <dir>',
      'folder that projects may be created/opened in (default: the --project parent, else the current folder)',
    )
    .action(async (options: ServeOptions) => {
      const port = parsePort(options.port);
      if (!LOOPBACK.has(options.host)) {
        process.stderr.write(
          `warning: binding ${options.host}: other machines on that network can reach this server ` +
            '(the token still guards it, but traffic is not encrypted).\n',
        );
      }
      const last =
        options.last && options.project === undefined ? (await readRecentProjects())[0]?.dir : undefined;
      const project = options.project === undefined ? last : resolve(options.project);
      const workspaceRoot = resolve(
        options.root ?? (project === undefined ? process.cwd() : dirname(project)),
      );
      const version = (
        JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { version: string }
      ).version;
      const service = createStudioService({ shell: 'browser', version, workspaceRoot });
      if (project !== undefined) {
        try {
          await service.handlers.openProject(project);
        } catch (error) {
          // The last project is a convenience: when it cannot be opened, start without it.
          if (options.project !== undefined || !(error instanceof AppError)) throw error;
          process.stderr.write(`note: the last project could not be opened: ${error.message}\n`);
        }
      }
      const staticDir = resolve(repoRoot, 'out', 'renderer');
      const server = await startStudioServer({ service, staticDir, host: options.host, port });
      process.stdout.write(`U-Net Studio: ${server.url}\n`);
      process.stdout.write(
        `Projects may be created or opened under ${workspaceRoot}. Press Ctrl+C to stop.\n`,
      );
      if (!existsSync(resolve(staticDir, 'index.html'))) {
        process.stderr.write(
          'note: the user interface is not built yet: run `npm run build`, then reload the page.\n',
        );
      }
      await new Promise<void>((done) => {
        const stop = () => done();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      await service.dispose();
      // The threaded wasm backend's workers would keep Node alive after everything is closed.
      process.exit(0);
    });
}
