/**
 * Expected failures carry a stable code; shells turn them into `{ ok: false, error }`.
 * Anything thrown that is not an AppError is a bug and is reported as `internal`.
 */
export const ERROR_CODES = [
  'invalid_argument',
  'not_found',
  'corrupt_file',
  'unsupported_format',
  'size_mismatch',
  'too_large',
  'illegal_tile_size',
  'incompatible_model',
  'out_of_memory',
  'backend_unavailable',
  'disk_full',
  'read_only',
  'locked',
  'diverged',
  'schema',
  'unauthorized',
  'forbidden_path',
  'conflict',
  'cancelled',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  detail?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail?: string;

  constructor(code: ErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.detail = detail;
  }

  toInfo(): ErrorInfo {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

/** Turns any thrown value into an ErrorInfo; non-AppErrors become `internal` (a bug). */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof AppError) return error.toInfo();
  const message = error instanceof Error ? error.message : String(error);
  const detail = error instanceof Error ? error.stack : undefined;
  return detail === undefined ? { code: 'internal', message } : { code: 'internal', message, detail };
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
