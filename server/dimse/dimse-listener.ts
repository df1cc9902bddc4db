import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { ActiveAssociation, DimseService, EndedAssociation } from '../../shared/api/dimse-associations';
import { encodeAssociateRj } from './association-pdu';
import { serveAssociation, type AssociationDeps, type AssociationSummary } from './association';

export interface DimseListenerOptions {
  host: string;
  port: number;
  /** Associations served at once; more are refused as transient (the sender tries again later). */
  maxAssociations?: number;
  /** ARTIM and idle limit (PS3.8 9.1.5): a connection silent this long is closed. */
  idleMs?: number;
  /** DICOM TLS (PS3.15 B.1): PEM certificate and key files. */
  tls?: { certFile: string; keyFile: string };
  /** Told of each association as it ends (the metrics); must not throw. */
  onEnded?: (ended: EndedAssociation) => void;
}

export interface DimseListener {
  port: number;
  /** Whether the server still accepts connections (health). */
  listening(): boolean;
  /** Associations being served now, oldest first, with what they stored and run so far. */
  active(): ActiveAssociation[];
  /** The last associations that ended, newest first. */
  recent(): readonly EndedAssociation[];
  close(): Promise<void>;
}

const RECENT = 50;
const SERVICES: readonly DimseService[] = ['store', 'find', 'move', 'get'];

/**
 * The archive's DIMSE listener (issue 14): a TCP server whose connections each carry one
 * association (association.ts). Every socket error is the connection's own (logged as its
 * association's outcome), never the process's.
 */
export async function startDimseListener(options: DimseListenerOptions, deps: AssociationDeps): Promise<DimseListener> {
  const max = options.maxAssociations ?? 64;
  const idleMs = options.idleMs ?? 60_000;
  const recent: EndedAssociation[] = [];
  const sockets = new Set<net.Socket>();
  const live = new Map<net.Socket, AssociationSummary>();
  const onConnection = (socket: net.Socket) => {
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    socket.setTimeout(idleMs, () => socket.destroy());
    if (sockets.size >= max) {
      // Transient, by the service provider (presentation), local limit exceeded (PS3.8 Table 9-21).
      socket.end(encodeAssociateRj({ result: 2, source: 3, reason: 2 }));
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const summary = newSummary(socket.remoteAddress ?? '');
    live.set(socket, summary);
    void serveAssociation(socket, deps, summary).then(({ running: _, ...ended }) => {
      live.delete(socket);
      const entry = { ...ended, endedAt: new Date().toISOString() };
      recent.unshift(entry);
      recent.length = Math.min(recent.length, RECENT);
      options.onEnded?.(entry);
    });
  };
  const server = options.tls
    ? tls.createServer({ cert: fs.readFileSync(options.tls.certFile), key: fs.readFileSync(options.tls.keyFile) }, onConnection)
    : net.createServer(onConnection);
  // A failed TLS handshake is the connection's affair.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    listening: () => server.listening,
    active: () => [...live.values()].map(activeView),
    recent: () => recent,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function newSummary(address: string): AssociationSummary {
  return {
    callingAeTitle: '',
    address,
    startedAt: new Date().toISOString(),
    outcome: 'closed',
    stored: 0,
    failed: 0,
    requests: { find: 0, move: 0, get: 0 },
    running: { store: 0, find: 0, move: 0, get: 0 },
  };
}

/** A copy of a live summary as the API shows it: what runs now by name, no outcome yet. */
function activeView({ callingAeTitle, address, startedAt, stored, failed, requests, running }: AssociationSummary): ActiveAssociation {
  return {
    callingAeTitle,
    address,
    startedAt,
    stored,
    failed,
    requests: { ...requests },
    running: SERVICES.filter((service) => running[service] > 0),
  };
}
