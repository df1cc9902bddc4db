import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Client } from 'minio';
import { AppError } from '../../shared/errors';
import { connectMinio, type S3StorageConfig } from '../storage/minio-blob-store';
import { assertSafeKey } from '../storage/object-keys';
import { MANIFEST_NAME, type BackupFileName } from './backup-manifest';
import type { BackupLocation } from './backup-location';

/**
 * A backup in a bucket (`s3://bucket/prefix`) of the archive's S3 server, with its credentials:
 * `<prefix>objects/<key>`, `<prefix>index.sqlite` …, `<prefix>manifest.json` last. A PUT is
 * atomic, so no temp names are needed. The SQLite files are staged in the system's temp folder.
 */
export class BucketBackup implements BackupLocation {
  readonly description: string;

  private constructor(
    private readonly client: Client,
    private readonly agent: http.Agent,
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly region: string,
  ) {
    this.description = `s3://${bucket}/${prefix}`;
  }

  static async open(cfg: S3StorageConfig, bucket: string, prefix: string): Promise<BucketBackup> {
    const { client, agent } = await connectMinio(cfg);
    return new BucketBackup(client, agent, bucket, prefix, cfg.region);
  }

  async prepare(): Promise<void> {
    await this.call(async () => {
      if (!(await this.client.bucketExists(this.bucket))) await this.client.makeBucket(this.bucket, this.region);
    });
  }

  async objectSizes(): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    const objects = `${this.prefix}objects/`;
    await this.call(async () => {
      if (!(await this.client.bucketExists(this.bucket))) return;
      for await (const item of this.client.listObjectsV2(this.bucket, objects, true)) {
        if (item.name !== undefined) sizes.set(item.name.slice(objects.length), item.size);
      }
    });
    return sizes;
  }

  async writeObject(key: string, body: Readable, size: number): Promise<void> {
    assertSafeKey(key);
    // minio's putObject never settles when its input stream fails (minio-js#1479): the
    // stream's own error ends the wait, and the upload it leaves is removed.
    const failed = new Promise<never>((_, reject) => body.once('error', reject));
    try {
      await this.call(() => Promise.race([this.client.putObject(this.bucket, this.objectName(key), body, size), failed]));
    } catch (error) {
      await this.client.removeIncompleteUpload(this.bucket, this.objectName(key)).catch(() => undefined);
      throw error;
    }
  }

  async readObject(key: string): Promise<Readable> {
    assertSafeKey(key);
    return this.call(() => this.client.getObject(this.bucket, this.objectName(key)), key);
  }

  async removeObject(key: string): Promise<void> {
    assertSafeKey(key);
    await this.call(() => this.client.removeObject(this.bucket, this.objectName(key)));
  }

  stagingPath(name: BackupFileName): string {
    return path.join(os.tmpdir(), `pacs-backup-${process.pid}-${name}`);
  }

  async commitFile(name: BackupFileName, staged: string): Promise<void> {
    await this.call(() => this.client.fPutObject(this.bucket, `${this.prefix}${name}`, staged));
    await unlink(staged);
  }

  async fetchFile(name: BackupFileName, to: string): Promise<boolean> {
    try {
      await this.call(() => this.client.fGetObject(this.bucket, `${this.prefix}${name}`, to), name);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'BLOB_NOT_FOUND') return false;
      throw error;
    }
  }

  async readManifest(): Promise<string | undefined> {
    try {
      const stream = await this.call(() => this.client.getObject(this.bucket, `${this.prefix}${MANIFEST_NAME}`), MANIFEST_NAME);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    } catch (error) {
      if (error instanceof AppError && error.code === 'BLOB_NOT_FOUND') return undefined;
      throw error;
    }
  }

  async writeManifest(text: string): Promise<void> {
    await this.call(() => this.client.putObject(this.bucket, `${this.prefix}${MANIFEST_NAME}`, Buffer.from(text)));
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private objectName(key: string): string {
    return `${this.prefix}objects/${key}`;
  }

  /** S3 errors in our terms: a missing key or bucket (when `what` is given) is BLOB_NOT_FOUND. */
  private async call<T>(action: () => Promise<T>, what?: string): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof AppError) throw error;
      const code = (error as { code?: unknown }).code;
      if (what !== undefined && (code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchBucket')) {
        throw new AppError('BLOB_NOT_FOUND', `${this.description}: ${what} does not exist.`, { cause: error });
      }
      throw new AppError('STORAGE_FAILURE', `${this.description}: ${(error as Error).message}`, { cause: error });
    }
  }
}
