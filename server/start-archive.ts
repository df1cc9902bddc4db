import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import type { Config } from './config';
import { ArchiveIndex } from './index/archive-index';
import { IndexWriter } from './index/index-writer';
import { openIndex } from './index/open-index';
import { createLogger, type Logger } from './logger';
import { createBlobStore } from './storage/create-blob-store';
import type { BlobStore } from './storage/blob-store';

export interface RunningArchive {
  /** Base URL as clients see it (PACS_PUBLIC_URL, or the address actually listened on). */
  url: string;
  index: ArchiveIndex;
  blobStore: BlobStore;
  server: http.Server;
  close(): Promise<void>;
}

/** Composition root: open the index, open the blob store, build the app, listen. */
export async function startArchive(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningArchive> {
  const db = openIndex(config.indexFile);
  const index = new ArchiveIndex(db);
  const indexWriter = new IndexWriter(index);
  let blobStore: BlobStore;
  try {
    blobStore = await createBlobStore(config.storage);
  } catch (error) {
    db.close();
    throw error;
  }
  let publicUrl = config.publicUrl;
  const app = createApp({
    index,
    indexWriter,
    blobStore,
    publicUrl: () => publicUrl,
    maxRequestBytes: config.maxRequestBytes,
    qidoMaxLimit: config.qidoMaxLimit,
    corsOrigins: config.corsOrigins,
    logger,
  });
  const server = http.createServer(app);
  // Large studies over slow links: no whole-request deadline; idle sockets still time out.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  server.timeout = 10 * 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  if (config.port === 0 || publicUrl.endsWith(':0')) {
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    publicUrl = `http://${host}:${address.port}`;
  }
  return {
    get url() {
      return publicUrl;
    },
    index,
    blobStore,
    server,
    close: async () => {
      // Requests in flight get a moment to finish; then every connection is cut.
      const cut = setTimeout(() => server.closeAllConnections(), 2_000);
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      clearTimeout(cut);
      await blobStore.close();
      await indexWriter.close();
      db.close();
    },
  };
}
