import { join } from 'node:path';
import { createStudioService, type StudioService } from '../../src/app/index';

/**
 * A browser-shell StudioService for tests: version 'test', projects under `workspaceRoot`
 * (default `root`) and its config (recent projects) in `root`/config, never the user's own.
 * The caller disposes it.
 */
export function createTestService(root: string, workspaceRoot: string = root): StudioService {
  return createStudioService({
    shell: 'browser',
    version: 'test',
    workspaceRoot,
    env: { ...process.env, UNET_STUDIO_CONFIG_DIR: join(root, 'config') },
  });
}
