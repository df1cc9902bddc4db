import type { DicomJson } from '../../shared/dicom/dicom-json';
import { DICOM_JSON, parseMediaType, PLAIN_JSON } from '../../shared/dicomweb/media-types';
import { header, readAnswer, statusError } from './peer-answer';
import { discardBody, PeerProtocolError, type PeerConnection } from './peer-connection';

/** The largest QIDO-RS answer read from a peer: a page of 1,000 studies is about 2 MB. */
export const PEER_QIDO_MAX_BYTES = 16 * 2 ** 20;

export interface PeerSearchResult {
  /** The matches as DICOM JSON data sets, checked to be well formed. */
  items: DicomJson[];
  /** The peer's Warning header (e.g. "more results than the limit"), when it sent one. */
  warning: string | undefined;
}

/**
 * One QIDO-RS request to a peer (PS3.18 10.6): `path` is below its base URL, query included.
 * 204 is no match; anything but 200 with DICOM JSON is a PeerStatusError or PeerProtocolError,
 * and a network failure a PeerUnreachableError (peer-connection.ts). The answer is untrusted:
 * bounded, gunzipped under the same bound, and checked to be an array of DICOM JSON data sets.
 */
export async function searchPeer(
  peer: PeerConnection,
  path: string,
  options: { signal?: AbortSignal; maxBytes?: number; what?: string } = {},
): Promise<PeerSearchResult> {
  const what = options.what ?? 'the search';
  const response = await peer.request({
    method: 'GET',
    path,
    headers: { accept: `${DICOM_JSON}, ${PLAIN_JSON};q=0.5`, 'accept-encoding': 'gzip' },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const warning = header(response, 'warning');
  if (response.status === 204) {
    discardBody(response.body);
    return { items: [], warning };
  }
  if (response.status !== 200) throw await statusError(response, what);
  const contentType = header(response, 'content-type');
  const type = contentType === undefined ? undefined : parseMediaType(contentType)?.type;
  if (type !== DICOM_JSON && type !== PLAIN_JSON) {
    discardBody(response.body);
    throw new PeerProtocolError(
      `the peer answered ${what} with ${type ?? 'no usable Content-Type'}, not ${DICOM_JSON}: is the base URL a DICOMweb service?`,
    );
  }
  const body = await readAnswer(response, options.maxBytes ?? PEER_QIDO_MAX_BYTES);
  return { items: parseDicomJsonArray(body, what), warning };
}

const TAG = /^[0-9A-Fa-f]{8}$/;
const VR = /^[A-Z]{2}$/;
/** Deeper nesting than any real data set has; a guard against a peer's stack-exhausting answer. */
const MAX_DEPTH = 32;

/** A QIDO-RS answer body as DICOM JSON data sets (PS3.18 F.2), or a PeerProtocolError saying what is wrong. */
export function parseDicomJsonArray(body: Buffer, what = 'the search'): DicomJson[] {
  let parsed: unknown;
  try {
    parsed = body.length === 0 ? [] : JSON.parse(body.toString('utf8'));
  } catch {
    throw new PeerProtocolError(`the peer's answer to ${what} is not JSON`);
  }
  if (!Array.isArray(parsed)) throw new PeerProtocolError(`the peer's answer to ${what} is not a JSON array of data sets`);
  parsed.forEach((item, index) => {
    const problem = datasetProblem(item, 0);
    if (problem) throw new PeerProtocolError(`the peer's answer to ${what} is not DICOM JSON: result ${index + 1}: ${problem}`);
  });
  return parsed as DicomJson[];
}

function datasetProblem(item: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return `nested more than ${MAX_DEPTH} sequences deep`;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'not an object';
  for (const [tag, element] of Object.entries(item)) {
    if (!TAG.test(tag)) return `${JSON.stringify(tag.slice(0, 20))} is not a tag (8 hex digits)`;
    if (typeof element !== 'object' || element === null) return `${tag} is not an attribute object`;
    const { vr, Value, InlineBinary, BulkDataURI } = element as Record<string, unknown>;
    if (typeof vr !== 'string' || !VR.test(vr)) return `${tag} has no VR`;
    if (Value !== undefined) {
      if (!Array.isArray(Value)) return `the Value of ${tag} is not an array`;
      if (vr === 'SQ') {
        for (const nested of Value) {
          const problem = datasetProblem(nested, depth + 1);
          if (problem) return `in ${tag}: ${problem}`;
        }
      } else if (!Value.every((v) => v === null || ['string', 'number', 'object'].includes(typeof v))) {
        return `a value of ${tag} is neither text, a number nor a name`;
      }
    }
    if (InlineBinary !== undefined && typeof InlineBinary !== 'string') return `the InlineBinary of ${tag} is not text`;
    if (BulkDataURI !== undefined && typeof BulkDataURI !== 'string') return `the BulkDataURI of ${tag} is not text`;
  }
  return undefined;
}
