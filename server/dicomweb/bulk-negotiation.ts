import { OCTET_STREAM, multipartPartsOf, parseAccept } from '../../shared/dicomweb/media-types';

/**
 * Accept negotiation for frames and bulk data (PS3.18 8.7.3.5, Tables 8.7.3-4 and 8.7.3-5, 8.7.8):
 * what is stored, and for frames also their decoded native form and the syntaxes the archive
 * encodes; the client's Accept ranges (by q, then in its order) choose.
 */

/** What we can send: the parts' media type and transfer syntax. */
export interface Representation {
  mediaType: string;
  transferSyntax: string;
  /** Uncompressed little-endian bytes: what `application/octet-stream` without a transfer-syntax means. */
  uncompressed: boolean;
  /**
   * Offered only to a range that names this transfer syntax (`transfer-syntax=<uid>`), never
   * through `*`, `*\/*`, a media type alone or its default syntax: lossy encodings.
   */
  explicitOnly?: boolean;
}

/** multipart/related (the DICOMweb default) or one bare body. */
export type Packaging = 'multipart' | 'single';

/**
 * The first Accept range (by q, then the client's order) that `offered` satisfies, or undefined.
 * No Accept header, or any-type ranges, take what is offered. `singleAllowed`: a bare media type
 * (no multipart) is possible, that is when exactly one part would be sent.
 */
export function negotiateBulk(accept: string | undefined, offered: Representation, singleAllowed: boolean): Packaging | undefined {
  return negotiateAmong(accept, [offered], singleAllowed)?.packaging;
}

/**
 * The representation and packaging for the first Accept range that one of `offers` satisfies;
 * within one range the earlier offer wins, so list the cheapest (the stored form) first.
 */
export function negotiateAmong(
  accept: string | undefined,
  offers: readonly Representation[],
  singleAllowed: boolean,
): { representation: Representation; packaging: Packaging } | undefined {
  const first = offers[0];
  if (!first) return undefined;
  if (accept === undefined || accept.trim() === '') return { representation: first, packaging: 'multipart' };
  for (const range of parseAccept(accept)) {
    if (range.q <= 0) continue;
    const transferSyntax = range.params['transfer-syntax'];
    for (const offered of offers) {
      if (range.type === '*/*') {
        if (transferSyntaxFits(undefined, transferSyntax, offered)) return { representation: offered, packaging: 'multipart' };
      } else if (range.type === 'multipart/related' || range.type === 'multipart/*') {
        const parts = multipartPartsOf(range);
        if (transferSyntaxFits(parts.type, parts.transferSyntax, offered)) return { representation: offered, packaging: 'multipart' };
      } else if (singleAllowed && transferSyntaxFits(range.type, transferSyntax, offered)) {
        return { representation: offered, packaging: 'single' };
      }
    }
  }
  return undefined;
}

function transferSyntaxFits(type: string | undefined, transferSyntax: string | undefined, offered: Representation): boolean {
  if (offered.explicitOnly && transferSyntax !== offered.transferSyntax) return false;
  // `type=application/octet-stream; transfer-syntax=*` (what OHIF sends) takes any stored form in its own
  // media type; a transfer syntax named with octet-stream is likewise served in its own media type.
  if (type === OCTET_STREAM && transferSyntax !== undefined) return transferSyntax === '*' || transferSyntax === offered.transferSyntax;
  if (type !== undefined && type !== '*/*') {
    const prefix = type.endsWith('/*') ? type.slice(0, -1) : undefined;
    if (prefix ? !offered.mediaType.startsWith(prefix) : type !== offered.mediaType) return false;
  }
  if (transferSyntax === '*') return true;
  if (transferSyntax !== undefined) return transferSyntax === offered.transferSyntax;
  // Without a transfer-syntax, application/octet-stream means Explicit VR Little Endian (Table 8.7.3-4).
  return type !== OCTET_STREAM || offered.uncompressed;
}

/** `type; transfer-syntax=uid` for a part's Content-Type. */
export function partContentType(offered: Representation): string {
  return `${offered.mediaType}; transfer-syntax=${offered.transferSyntax}`;
}
