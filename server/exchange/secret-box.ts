import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 1;

/**
 * Seals the secrets the archive must be able to use again (a peer's password or token), unlike
 * its own secrets, which are only ever hashed (auth/secrets.ts). AES-256-GCM with a random nonce per
 * secret, under a key kept in a file of its own (PACS_SECRET_KEY_FILE, mode 0600), so a copy of
 * the access database alone reveals nothing. Layout: version byte, nonce, tag, ciphertext.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** Reads the key file, creating it with a fresh random key on the first start. */
  static open(file: string): SecretBox {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let key: Buffer;
    try {
      key = fs.readFileSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      key = randomBytes(KEY_BYTES);
      // 'wx': never overwrite a key another process wrote meanwhile; then read back whichever won.
      try {
        fs.writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
      } catch (writeError) {
        if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
      }
      key = fs.readFileSync(file);
    }
    if (key.length !== KEY_BYTES) throw new Error(`${file} must hold exactly ${KEY_BYTES} bytes (the key that seals peer secrets)`);
    return new SecretBox(key);
  }

  seal(secret: string): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), nonce, cipher.getAuthTag(), sealed]);
  }

  /** The secret, or undefined when it was sealed under another key (the key file was replaced). */
  open(sealed: Buffer): string | undefined {
    if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== VERSION) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 1 + NONCE_BYTES));
      decipher.setAuthTag(sealed.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(1 + NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
