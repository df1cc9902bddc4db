import { warmCodecPool } from './codecs/codec-pool';
import { LOSSLESS_ENCODINGS } from './codecs/encode-registry';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { startArchive, type RunningArchive } from './start-archive';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // Handlers first: a signal arriving before they exist would kill the process uncleanly.
  let archive: RunningArchive | undefined;
  const stop = (signal: string) => {
    logger.info(`${signal}: shutting down`);
    (archive?.close() ?? Promise.resolve()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  archive = await startArchive(config, logger);
  // In the background: the first thin-link viewer after a restart finds its encoders compiled.
  void warmCodecPool(LOSSLESS_ENCODINGS);
  const storage =
    config.storage.kind === 'fs'
      ? `objects in ${config.dataDir}/objects`
      : `S3 bucket ${config.storage.bucket} at ${config.storage.endPoint}`;
  console.log(`PACS archive listening on ${archive.url}  (DICOMweb: ${archive.url}/dicom-web; index ${config.indexFile}; ${storage})`);
  if (archive.dimse)
    console.log(`DIMSE: AE title ${config.dimse.aeTitle} on ${config.host}:${archive.dimse.port}${config.dimse.tls ? ' (TLS)' : ''}`);
}

main().catch((error: unknown) => {
  console.error('PACS archive failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
