import type { ApiHandlers, ApiMethod, Result } from '../shared/api';
import { parseApiArgs } from '../shared/apiSchemas';
import { toErrorInfo } from '../shared/errors';

/** Where bugs (non-AppError throws) are reported; defaults to stderr with the stack. */
export type BugLogger = (method: ApiMethod, error: unknown) => void;

const logToStderr: BugLogger = (method, error) => {
  process.stderr.write(
    `[api] ${method} failed with a bug: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
};

/**
 * Validates `rawArgs` against the method's schema and runs the handler; any throw becomes
 * `{ ok: false, error }` (AppError -> its code; anything else -> 'internal', logged as a bug).
 * Never rejects. Both shells call this for every request.
 */
export async function invokeApi(
  handlers: ApiHandlers,
  method: ApiMethod,
  rawArgs: unknown,
  logBug: BugLogger = logToStderr,
): Promise<Result<unknown>> {
  try {
    const args = parseApiArgs(method, rawArgs);
    const handler = handlers[method] as (...args: unknown[]) => Promise<unknown>;
    return { ok: true, value: await handler(...(args as unknown[])) };
  } catch (error) {
    const info = toErrorInfo(error);
    if (info.code === 'internal') logBug(method, error);
    return { ok: false, error: info };
  }
}
