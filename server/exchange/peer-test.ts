import { performance } from 'node:perf_hooks';
import type { PeerTestOutcome, PeerTestResult } from '../../shared/api/exchange';
import { echoRemoteAe, type RemoteAeAddress } from '../dimse/echo-scu';
import { header, readAnswer } from './peer-answer';
import { PeerConnection, PeerProtocolError, PeerUnreachableError, type PeerEndpoint } from './peer-connection';

/** A one-study search answers in a few KiB; more means the peer ignores `limit` or is no DICOMweb server. */
export const TEST_MAX_ANSWER_BYTES = 4 * 1024 * 1024;
/** How long the test waits for each step (connect, headers, each body chunk) and for the whole answer. */
const STEP_TIMEOUT_MS = 10_000;
const TOTAL_TIMEOUT_MS = 20_000;
const SEARCH = '/studies?limit=1';

/**
 * "Test connection": one QIDO-RS Search for Studies (PS3.18 10.6) with `limit=1` through its own
 * short-lived PeerConnection (the peer's CA, credentials and cap), timed to the end of the answer.
 * Whatever the peer does is a result with a message a hospital's IT admin can act on, never an
 * exception: this runs against servers that may be anything.
 */
export async function testPeerConnection(endpoint: PeerEndpoint): Promise<PeerTestResult> {
  const connection = new PeerConnection(endpoint, { stallMs: STEP_TIMEOUT_MS });
  const url = connection.url(SEARCH);
  const deadline = AbortSignal.timeout(TOTAL_TIMEOUT_MS);
  const started = performance.now();
  const elapsed = () => Math.max(1, Math.round(performance.now() - started));
  let status: number | null = null;
  try {
    const answer = await connection.request({
      method: 'GET',
      path: SEARCH,
      headers: { accept: 'application/dicom+json, application/json;q=0.9' },
      signal: deadline,
    });
    status = answer.status;
    // Read as the remote search reads it (gunzipped when the peer compresses anyway), within the bound.
    const body = await readAnswer(answer, TEST_MAX_ANSWER_BYTES);
    return judgeAnswer(answer.status, header(answer, 'content-type') ?? '', header(answer, 'location') ?? '', body, elapsed(), {
      url,
      hasCredentials: endpoint.authorization !== undefined,
    });
  } catch (error) {
    if (error instanceof PeerProtocolError && !/larger than/.test(error.message))
      return result('not-dicomweb', status, elapsed(), `The peer's answer is unreadable: ${error.message}.`);
    if (error instanceof PeerProtocolError)
      return result(
        'too-large',
        status,
        elapsed(),
        `The answer to a one-study search is larger than ${TEST_MAX_ANSWER_BYTES / 1024 / 1024} MiB: the peer ignores limit=1, or this URL is not a DICOMweb service.`,
      );
    if (deadline.aborted)
      return result(
        'unreachable',
        status,
        null,
        `No complete answer from ${url.host} within ${TOTAL_TIMEOUT_MS / 1000} s: the peer or the link is too slow.`,
      );
    if (error instanceof PeerUnreachableError) return networkFailure(error, url, status);
    throw error;
  } finally {
    void connection.close().catch(() => undefined);
  }
}

function judgeAnswer(
  status: number,
  contentType: string,
  location: string,
  body: Buffer,
  ms: number,
  peer: { url: URL; hasCredentials: boolean },
): PeerTestResult {
  if (status === 401 && !peer.hasCredentials)
    return result('credentials', status, ms, `The peer asks for credentials (401): choose Basic or Bearer authentication.`);
  if (status === 401)
    return result('credentials', status, ms, `The peer refused the credentials (401): check the username and password, or the token.`);
  if (status === 403)
    return result('credentials', status, ms, `The peer refused access (403): the account is known there but may not search.`);
  if (status === 404)
    return result(
      'not-dicomweb',
      status,
      ms,
      `No DICOMweb service at this URL (404 on ${peer.url.pathname}): check the base URL, which usually ends in /dicom-web.`,
    );
  if (status >= 300 && status < 400)
    return result(
      'not-dicomweb',
      status,
      ms,
      location
        ? `The peer redirects to ${redirectBase(location, peer.url).slice(0, 300)} (${status}): use that address as the base URL.`
        : `The peer redirects (${status}) without saying where: check the base URL.`,
    );
  if (status >= 500)
    return result(
      'peer-error',
      status,
      ms,
      `The peer failed to answer the search (${status}): it may be starting or overloaded; try again later.`,
    );
  if (status >= 400) return result('peer-error', status, ms, `The peer refused the search (${status}).`);
  if (status === 204 || body.length === 0) return ok(status, ms);
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'text/html' || /^\s*</.test(body.subarray(0, 64).toString('latin1')))
    return result(
      'not-dicomweb',
      status,
      ms,
      'The peer answered with a web page, not DICOM JSON: this URL is not its DICOMweb service; check the base URL (it usually ends in /dicom-web).',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return result(
      'not-dicomweb',
      status,
      ms,
      `The peer's answer is not DICOM JSON (${mediaType || 'no media type'}): this URL is not a DICOMweb service.`,
    );
  }
  if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== 'object' || item === null || Array.isArray(item)))
    return result(
      'not-dicomweb',
      status,
      ms,
      "The peer's answer is JSON but not a list of DICOM JSON studies: this URL is not a DICOMweb service.",
    );
  return ok(status, ms);
}

/** What a network failure means to whoever set the peer up: the address, the port, a firewall, the certificate. */
function networkFailure(error: PeerUnreachableError, url: URL, status: number | null): PeerTestResult {
  const code = String((error.cause as { code?: unknown } | undefined)?.code ?? '');
  const where = url.host;
  const fail = (outcome: PeerTestOutcome, message: string) => result(outcome, status, null, message);
  switch (code) {
    case 'ECONNREFUSED':
      return fail(
        'unreachable',
        `Nothing answers at ${where} (connection refused): check the address and port, and that the peer's archive runs.`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail('unreachable', `The host name ${url.hostname} is not found (DNS): check its spelling, or use the IP address.`);
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return fail('unreachable', `No connection to ${where} (${code}): a firewall may drop it, or the peer is down.`);
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return fail('unreachable', `${where} accepted the connection but did not answer within ${STEP_TIMEOUT_MS / 1000} s.`);
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return fail('tls', `The peer's HTTPS certificate is out of its validity dates (${code}): ask the peer's administrator to renew it.`);
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return fail(
        'tls',
        `The peer's HTTPS certificate is not made out to ${url.hostname} (${code}): use a host name the certificate names.`,
      );
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return fail('tls', `The peer does not speak HTTPS at ${where} (${code}): try http://, or check the port.`);
  }
  if (/^(SELF_SIGNED_|DEPTH_ZERO_|UNABLE_TO_|CERT_)/.test(code))
    return fail(
      'tls',
      `The peer's HTTPS certificate is not trusted (${code}): if its hospital signs certificates with a CA of its own, paste that CA certificate (PEM) in the custom CA field.`,
    );
  return fail('unreachable', `The connection to ${where} failed: ${error.message}.`);
}

/** The base URL a redirect of our search points to: its Location without the search's own path and query. */
function redirectBase(location: string, searched: URL): string {
  let target: URL;
  try {
    target = new URL(location, searched);
  } catch {
    return location;
  }
  target.search = '';
  return target.toString().replace(/\/studies\/?$/, '');
}

function ok(status: number, ms: number): PeerTestResult {
  return result('ok', status, ms, `OK: the peer answered a DICOMweb search in ${ms} ms.`);
}

function result(outcome: PeerTestOutcome, status: number | null, roundTripMs: number | null, message: string): PeerTestResult {
  return { ok: outcome === 'ok', outcome, roundTripMs, status, message };
}

const ECHO_AS_TEST: Record<NonNullable<PeerTestResult['echo']>, PeerTestOutcome> = {
  ok: 'ok',
  rejected: 'credentials',
  unreachable: 'unreachable',
  timeout: 'unreachable',
  'no-port': 'unreachable',
  aborted: 'peer-error',
  protocol: 'peer-error',
};

/** "Test connection" of a DIMSE peer: a C-ECHO to its remote AE (echo-scu.ts), in our AE title. */
export async function testDimsePeer(remoteAe: RemoteAeAddress, callingAeTitle: string): Promise<PeerTestResult> {
  const echo = await echoRemoteAe(remoteAe, callingAeTitle);
  return { ...result(ECHO_AS_TEST[echo.outcome], null, echo.millis, echo.message), echo: echo.outcome };
}
