import { platform } from 'node:os';
import type { AppInfo } from '../../shared/api';
import type { AppContext } from '../AppContext';

/** Shell kind, version, platform and dialog capability (diagnostics). */
export async function appInfo(ctx: AppContext): Promise<AppInfo> {
  return {
    shell: ctx.options.shell,
    version: ctx.options.version,
    platform: platform(),
    nativeDialogs: ctx.options.dialogs !== undefined,
    workspaceRoot: ctx.options.workspaceRoot,
  };
}
