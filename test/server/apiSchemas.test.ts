import { describe, expect, it } from 'vitest';
import { API_METHODS } from '../../src/shared/api';
import { API_ARGS, parseApiArgs } from '../../src/shared/apiSchemas';
import { AppError } from '../../src/shared/errors';

function schemaError(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a schema error');
}

describe('API argument schemas', () => {
  it('has exactly one schema per method', () => {
    expect(Object.keys(API_ARGS).sort()).toEqual([...API_METHODS].sort());
  });

  it('accepts well-formed arguments', () => {
    expect(parseApiArgs('createProject', ['/tmp/p', 'My project'])).toEqual(['/tmp/p', 'My project']);
    const patch = { x: 1, y: 2, w: 2, h: 1, classes: new Uint8Array(2), instances: new Uint16Array(2) };
    expect(parseApiArgs('saveAnnotationPatch', ['img_0123456789ab', patch])[1].w).toBe(2);
  });

  it('rejects malformed arguments with code schema naming the method and argument', () => {
    const missing = schemaError(() => parseApiArgs('createProject', ['/tmp/p']));
    expect(missing.code).toBe('schema');
    expect(missing.message).toContain('createProject');
    const badId = schemaError(() => parseApiArgs('getThumbnail', ['../../etc/passwd']));
    expect(badId.code).toBe('schema');
    expect(badId.message).toContain('argument 0');
    const wrongSize = schemaError(() =>
      parseApiArgs('saveAnnotationPatch', [
        'img_0123456789ab',
        { x: 0, y: 0, w: 3, h: 3, classes: new Uint8Array(8), instances: new Uint16Array(9) },
      ]),
    );
    expect(wrongSize.message).toContain('w * h');
    const pathName = schemaError(() => parseApiArgs('uploadImage', ['../x.png', new Uint8Array(1)]));
    expect(pathName.code).toBe('schema');
    expect(schemaError(() => parseApiArgs('appInfo', [1])).code).toBe('schema');
    const dupes = [
      { id: 1, name: 'a', color: '#000000' },
      { id: 1, name: 'b', color: '#ffffff' },
    ];
    expect(schemaError(() => parseApiArgs('updateClasses', [dupes])).message).toContain('unique');
  });
});
