import { join } from 'node:path';
import { createStudioService, type StudioService } from '../../src/app/index';

/**
 * A browser-shell StudioService for tests: version 'test', projects under `workspaceRoot`
 * (default `root`), its config (recent projects) in `root`/config, never the user's own, and
 * its heavy work in this process.
 * The caller disposes it.
 */
export function createTestService(root: string, workspaceRoot: string = root): StudioService {
  return createStudioService({
    shell: 'browser',
    version: 'test',
    workspaceRoot,
    env: { ...process.env, UNET_STUDIO_CONFIG_DIR: join(root, 'config') },
    // Heavy work on the test's own event loop: these tests are about the API and its shells.
    work: 'in-process',
  });
}
