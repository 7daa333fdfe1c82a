import type { ErrorCode, ErrorInfo } from '../../../shared/errors';

const TITLES: Record<ErrorCode, string> = {
  invalid_argument: 'Invalid input',
  not_found: 'Not found',
  corrupt_file: 'The file is damaged or unreadable',
  unsupported_format: 'Unsupported file format',
  size_mismatch: 'Sizes do not match',
  too_large: 'Too large',
  illegal_tile_size: 'Illegal tile size',
  incompatible_model: 'Incompatible model',
  out_of_memory: 'Out of memory',
  backend_unavailable: 'Compute backend unavailable',
  disk_full: 'The disk is full: changes could not be saved',
  read_only: 'The project folder is read-only',
  locked: 'The project is open in another window',
  diverged: 'Training diverged',
  schema: 'Malformed request or file',
  unauthorized: 'Not authorised: reopen the URL printed by the server',
  forbidden_path: 'That path is outside the allowed folder',
  conflict: 'Conflict',
  cancelled: 'Cancelled',
  internal: 'Unexpected error (a bug)',
};

/** A short title for an API error, worded by its code (the message and detail follow it). */
export function errorTitle(info: ErrorInfo): string {
  return TITLES[info.code] ?? info.code;
}
