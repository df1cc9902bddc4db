import { randomUUID } from 'node:crypto';

/**
 * A new UID in the 2.25 form (PS3.5 B.2): "2.25." followed by the decimal value of a random
 * (version 4) UUID, at most 44 characters and without leading zeros.
 */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replaceAll('-', '')}`).toString(10)}`;
}
