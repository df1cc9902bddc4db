import dicomParser from 'dicom-parser';
import { decodeMultipart, multipartBoundary } from '../../shared/dicomweb/multipart-decoder';

/** One HTTP/1.1 request read back from the bytes a client sent on a connection. */
export interface CapturedRequest {
  method: string;
  target: string;
  /** Field names in lower case. */
  headers: Record<string, string>;
  /** The body, de-chunked; what arrived of it when `complete` is false. */
  body: Buffer;
  /** False when the bytes end inside this request (the connection was cut). */
  complete: boolean;
}

const CRLF = Buffer.from('\r\n', 'latin1');
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/**
 * The requests in the upstream bytes of one connection (keep-alive: several in a row), with
 * Content-Length or chunked bodies (RFC 9112 6). For the fault proxy's capture: which instances
 * a sender really put on the wire.
 */
export function parseHttpRequests(bytes: Buffer): CapturedRequest[] {
  const requests: CapturedRequest[] = [];
  let at = 0;
  while (at < bytes.length) {
    const headEnd = bytes.indexOf(HEAD_END, at);
    if (headEnd < 0) break;
    const [requestLine = '', ...fieldLines] = bytes.subarray(at, headEnd).toString('latin1').split('\r\n');
    const [method = '', target = ''] = requestLine.split(' ');
    const headers: Record<string, string> = {};
    for (const line of fieldLines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    at = headEnd + HEAD_END.length;
    const body = /\bchunked\b/i.test(headers['transfer-encoding'] ?? '')
      ? readChunked(bytes, at)
      : readLength(bytes, at, Number(headers['content-length'] ?? 0));
    requests.push({ method, target, headers, body: body.body, complete: body.complete });
    if (!body.complete) break;
    at = body.end;
  }
  return requests;
}

/** SOP Instance UIDs (0008,0018) of the parts of every whole STOW-RS request (a multipart/related POST), in order sent. */
export function sopInstanceUidsOfStowRequests(requests: CapturedRequest[]): string[] {
  const uids: string[] = [];
  for (const request of requests) {
    const contentType = request.headers['content-type'] ?? '';
    if (!request.complete || request.method !== 'POST' || !/^\s*multipart\/related/i.test(contentType)) continue;
    for (const part of decodeMultipart(request.body, multipartBoundary(contentType))) {
      const dataSet = dicomParser.parseDicom(part.body, { untilTag: 'x00080018' });
      const uid = dataSet.string('x00080018');
      if (uid !== undefined) uids.push(uid);
    }
  }
  return uids;
}

function readLength(bytes: Buffer, at: number, length: number): { body: Buffer; complete: boolean; end: number } {
  const end = Math.min(bytes.length, at + length);
  return { body: bytes.subarray(at, end), complete: at + length <= bytes.length, end };
}

function readChunked(bytes: Buffer, start: number): { body: Buffer; complete: boolean; end: number } {
  const pieces: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = bytes.indexOf(CRLF, at);
    if (lineEnd < 0) return { body: Buffer.concat(pieces), complete: false, end: bytes.length };
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1').split(';')[0]!, 16);
    at = lineEnd + 2;
    if (size === 0) {
      // Trailer fields, then the empty line.
      const trailersEnd = bytes.indexOf(CRLF, at) === at ? at : bytes.indexOf(HEAD_END, at) + 2;
      if (trailersEnd < at) return { body: Buffer.concat(pieces), complete: false, end: bytes.length };
      return { body: Buffer.concat(pieces), complete: true, end: trailersEnd + 2 };
    }
    pieces.push(bytes.subarray(at, Math.min(bytes.length, at + size)));
    if (at + size + 2 > bytes.length) return { body: Buffer.concat(pieces), complete: false, end: bytes.length };
    at += size + 2;
  }
}
