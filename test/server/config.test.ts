import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';

describe('loadConfig', () => {
  it('gives the embedded defaults with an empty environment', () => {
    const config = loadConfig({}, '/srv/pacs');
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      publicUrl: 'http://127.0.0.1:8080',
      dataDir: '/srv/pacs/data',
      indexFile: '/srv/pacs/data/index.sqlite',
      storage: { kind: 'fs', dataDir: '/srv/pacs/data' },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the S3 settings', () => {
    const config = loadConfig({
      PACS_STORAGE: 's3',
      PACS_S3_ENDPOINT: 'minio.hospital.lan',
      PACS_S3_PORT: '9000',
      PACS_S3_USE_SSL: 'false',
      PACS_S3_ACCESS_KEY: 'ak',
      PACS_S3_SECRET_KEY: 'sk',
      PACS_S3_BUCKET: 'pacs-archive',
      PACS_PUBLIC_URL: 'https://pacs.hospital.vn/',
    });
    expect(config.storage).toEqual({
      kind: 's3',
      endPoint: 'minio.hospital.lan',
      port: 9000,
      useSSL: false,
      accessKey: 'ak',
      secretKey: 'sk',
      bucket: 'pacs-archive',
      region: 'us-east-1',
    });
    expect(config.publicUrl).toBe('https://pacs.hospital.vn');
  });

  it('refuses bad values and names every bad variable at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        PACS_PORT: '80a',
        PACS_STORAGE: 's3',
        PACS_S3_USE_SSL: 'maybe',
        PACS_S3_BUCKET: 'Bad_Bucket',
        PACS_PUBLIC_URL: 'ftp://x',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = [
      'PACS_PORT',
      'PACS_S3_USE_SSL',
      'PACS_S3_BUCKET',
      'PACS_PUBLIC_URL',
      'PACS_S3_ENDPOINT',
      'PACS_S3_ACCESS_KEY',
      'PACS_S3_SECRET_KEY',
    ];
    for (const name of names) expect(error!.message).toContain(name);
    expect(error!.problems).toHaveLength(names.length);
  });
});
