import { createHmac } from 'node:crypto';

/**
 * Replacement UIDs for de-identified shares (PS3.15 E.1.1 action U: "internally consistent within
 * a set of Instances"): `2.25.` and the decimal value of the first 128 bits of
 * HMAC-SHA256(secret, uid), a UUID-derived UID in the form of PS3.5 B.2. The same secret maps the
 * same UID to the same replacement in every answer; without the secret the mapping cannot be
 * reversed or recomputed from the original UIDs.
 */
export function replacementUid(secret: Uint8Array, uid: string): string {
  const digest = createHmac('sha256', secret).update(uid, 'latin1').digest();
  // BigInt prints without leading zeros; 2^128 has 39 digits, so the UID is at most 44 characters.
  return `2.25.${BigInt(`0x${digest.subarray(0, 16).toString('hex')}`).toString(10)}`;
}

/** Replacements of one share, cached both ways so a request path's replacement UID finds its original. */
export class ReplacementUids {
  private readonly forward = new Map<string, string>();
  private readonly backward = new Map<string, string>();

  constructor(readonly secret: Uint8Array) {}

  replace(uid: string): string {
    let replacement = this.forward.get(uid);
    if (replacement === undefined) {
      replacement = replacementUid(this.secret, uid);
      this.forward.set(uid, replacement);
      this.backward.set(replacement, uid);
    }
    return replacement;
  }

  /** The original of a replacement UID this object made or learned, else undefined. */
  original(replacement: string): string | undefined {
    return this.backward.get(replacement);
  }

  /** Computes the replacements of these originals (e.g. the UIDs of the shared study) so `original` knows them. */
  learn(uids: Iterable<string>): void {
    for (const uid of uids) this.replace(uid);
  }
}
