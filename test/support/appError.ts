import { expect } from 'vitest';
import { AppError } from '../../src/shared/errors';

/**
 * Awaits `promise`, expects it to reject with an AppError (`label` names the case when the
 * expectation fails) and returns that error for the caller's checks of code and message.
 */
export async function appErrorOf(promise: Promise<unknown>, label?: string): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, label).toBeInstanceOf(AppError);
  return error as AppError;
}
