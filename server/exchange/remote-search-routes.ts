import express, { type Request, type Response, type Router } from 'express';
import { isValidUid } from '../../shared/dicom/uid';
import { parseQidoQuery, type QidoLevel } from '../../shared/dicomweb/qido-query';
import { AppError } from '../../shared/errors';
import type { AuditLog } from '../audit/audit-log';
import { clientAddress } from '../auth/client-address';
import { principalLabel, requireAction } from '../auth/principal';
import { sendDicomJson } from '../http/send-json';
import type { Exchange } from './exchange';
import { peerAppError } from './peer-failure';
import { searchDimsePeer } from './dimse-search';
import { searchPeer } from './peer-qido';

export interface RemoteSearchDeps {
  exchange: Exchange;
  audit: AuditLog;
}

/** The largest `limit` asked of a peer, and the one asked when the client gives none. */
export const REMOTE_SEARCH_MAX_LIMIT = 1000;
/** How long a user waits for a peer's answer before being told it did not answer. */
const DEADLINE_MS = 30_000;

const WHAT: Record<QidoLevel, string> = {
  study: 'the search for studies',
  series: "the search for a study's series",
  instance: "the search for a series' instances",
};

/**
 * Search a peer (issue 13 item 3): QIDO-RS proxied through our server, so the browser never holds
 * the peer's credentials. Our QIDO query keys only (shared/dicomweb/qido-query.ts), checked as our
 * own QIDO-RS checks them, with a bounded limit; the peer's answer comes back as DICOM JSON after
 * being checked to be DICOM JSON. A DIMSE peer is asked the same keys as a C-FIND (dimse-search.ts). A peer that fails is a 502 (peer-failure.ts). Action `transfer`.
 *   GET /api/peers/{id}/studies
 *   GET /api/peers/{id}/studies/{study}/series
 *   GET /api/peers/{id}/studies/{study}/series/{series}/instances
 */
export function remoteSearchRoutes(deps: RemoteSearchDeps): Router {
  const router = express.Router();
  router.get('/peers/:peer/studies', searchRemote('study', deps));
  router.get('/peers/:peer/studies/:study/series', searchRemote('series', deps));
  router.get('/peers/:peer/studies/:study/series/:series/instances', searchRemote('instance', deps));
  return router;
}

function searchRemote(level: QidoLevel, deps: RemoteSearchDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const principal = requireAction(res, 'transfer');
    const { study, series } = req.params as { study?: string; series?: string };
    if (study !== undefined && !isValidUid(study))
      throw new AppError('INVALID_UID', 'The Study Instance UID in the path is not a valid DICOM UID (PS3.5 9.1).');
    if (series !== undefined && !isValidUid(series))
      throw new AppError('INVALID_UID', 'The Series Instance UID in the path is not a valid DICOM UID (PS3.5 9.1).');
    const peer = deps.exchange.peers.get(req.params.peer as string);
    if (!peer) throw new AppError('NOT_FOUND', 'No such peer.');
    const params = new URL(req.originalUrl, 'http://localhost').searchParams;
    const path = `${remotePath(study, series)}?${remoteQuery(params, level)}`;

    res.once('finish', () =>
      deps.audit.record({
        action: 'query',
        outcome: res.statusCode < 400 ? 0 : res.statusCode < 500 ? 4 : 8,
        who: principalLabel(principal),
        clientAddress: clientAddress(req),
        studyUid: study,
        // Key names only, never their values (which may be patient names).
        detail: `remote search ${remotePath(study, series)} on peer "${peer.name}" (${peer.baseUrl}) ${res.statusCode}${keyNames(params)}`,
        requestId: res.locals.requestId as string,
      }),
    );

    const gone = new AbortController();
    res.once('close', () => gone.abort());
    const deadline = AbortSignal.timeout(DEADLINE_MS);
    try {
      const signal = AbortSignal.any([gone.signal, deadline]);
      const connection = deps.exchange.peers.connection(peer.id);
      const answer =
        peer.kind === 'dimse'
          ? await searchDimsePeer(
              connection,
              { level, params, study, series, maxLimit: REMOTE_SEARCH_MAX_LIMIT },
              { callingAeTitle: deps.exchange.callingAeTitle, timeoutMs: DEADLINE_MS, signal },
            )
          : await searchPeer(connection, path, { signal, what: WHAT[level] });
      if (answer.warning !== undefined && /^[\x20-\x7e]{1,300}$/.test(answer.warning)) res.setHeader('Warning', answer.warning);
      sendDicomJson(req, res, JSON.stringify(answer.items));
    } catch (error) {
      if (deadline.aborted) throw new AppError('PEER_UNREACHABLE', `The peer did not answer within ${DEADLINE_MS / 1000} s.`);
      throw peerAppError(error);
    }
  };
}

function remotePath(study: string | undefined, series: string | undefined): string {
  if (study === undefined) return '/studies';
  if (series === undefined) return `/studies/${study}/series`;
  return `/studies/${study}/series/${series}/instances`;
}

/**
 * The client's query as sent to the peer: refused as our own QIDO-RS would refuse it (unknown key,
 * key of a deeper level, malformed value: 400), then passed on as given (keyword or tag), with
 * `limit` at most REMOTE_SEARCH_MAX_LIMIT. Spaces as %20: not every server reads `+` as a space.
 */
export function remoteQuery(params: URLSearchParams, level: QidoLevel): string {
  const query = parseQidoQuery(params, level);
  const out: string[] = [];
  for (const [name, value] of params) {
    if (name.toLowerCase() !== 'limit') out.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  out.push(`limit=${Math.min(query.limit ?? REMOTE_SEARCH_MAX_LIMIT, REMOTE_SEARCH_MAX_LIMIT)}`);
  return out.join('&');
}

function keyNames(params: URLSearchParams): string {
  const names = [...new Set(params.keys())].map((n) => n.replace(/[^\w.,-]/g, '').slice(0, 64));
  return names.length > 0 ? ` keys=${names.join(',').slice(0, 300)}` : '';
}
