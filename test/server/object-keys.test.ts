import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { assertSafeKey, assertSafePrefix, INSTANCE_KEY_PREFIX, isInstanceKey, newInstanceKey } from '../../server/storage/object-keys';

describe('object keys', () => {
  it('makes v1/instances/<hh>/<32 hex>.dcm keys with hh the first byte of the id', () => {
    const key = newInstanceKey();
    expect(key).toMatch(/^v1\/instances\/[0-9a-f]{2}\/[0-9a-f]{32}\.dcm$/);
    expect(key.split('/')[3]!.slice(0, 2)).toBe(key.split('/')[2]);
    expect(isInstanceKey(key)).toBe(true);
    expect(() => assertSafeKey(key)).not.toThrow();
  });

  it('never repeats a key', () => {
    expect(new Set(Array.from({ length: 10_000 }, newInstanceKey)).size).toBe(10_000);
  });

  it('recognises only well-formed instance keys', () => {
    const id = 'ab'.padEnd(32, '0');
    expect(isInstanceKey(`v1/instances/ab/${id}.dcm`)).toBe(true);
    for (const bad of [
      `v1/instances/cd/${id}.dcm`,
      `v1/instances/AB/${id.toUpperCase()}.dcm`,
      `v1/instances/ab/${id}`,
      `v2/instances/ab/${id}.dcm`,
      `v1/instances/ab/x/${id}.dcm`,
      `v1/instances/ab/${id}.dcm\n`,
    ])
      expect(isInstanceKey(bad), bad).toBe(false);
  });

  it('assertSafeKey refuses traversal, absolute paths and anything outside v1/', () => {
    const bad = ['', '../x', 'v1/../x', 'v1/a/../../x', '/v1/x', 'v1//x', 'v1/x/', 'v1/./x', 'v1/A', 'v2/x', 'v1/x y', 'v1\\x'];
    for (const key of bad) expect(() => assertSafeKey(key), key).toThrow(AppError);
    expect(() => assertSafeKey('v1/other/a.bin')).not.toThrow();
    for (const good of ['', 'v1', 'v1/', INSTANCE_KEY_PREFIX, 'v1/instances/a']) expect(() => assertSafePrefix(good)).not.toThrow();
    for (const bad of ['../', 'v1/../', '/v1/', 'x/']) expect(() => assertSafePrefix(bad), bad).toThrow(AppError);
  });
});
