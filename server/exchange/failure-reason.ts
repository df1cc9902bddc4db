/**
 * FailureReason (0008,1197) of a STOW-RS answer as readable text: the Storage Service statuses
 * of PS3.4 Table B.2-1 and the general statuses of PS3.7 Annex C that archives put there.
 */
const REASONS: ReadonlyMap<number, string> = new Map([
  [0x0110, 'processing failure'],
  [0x0111, 'duplicate SOP instance'],
  [0x0112, 'no such object instance'],
  [0x0117, 'invalid object instance'],
  [0x0119, 'class-instance conflict'],
  [0x0122, 'SOP class not supported'],
  [0x0124, 'not authorized'],
  [0xa700, 'out of resources'],
  [0xa900, 'data set does not match SOP class'],
  [0xc000, 'cannot understand'],
  [0xc122, 'transfer syntax not supported'],
]);

/** "0xA900 data set does not match SOP class: <the peer's ErrorComment>", bounded and printable. */
export function failureReasonText(code: number | undefined, comment: string | undefined): string {
  const hex = code === undefined ? 'no FailureReason' : `0x${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const meaning =
    code === undefined ? undefined : (REASONS.get(code) ?? (code >= 0xa700 && code <= 0xa7ff ? 'out of resources' : undefined));
  const said = comment
    ?.replace(/[^\p{L}\p{N}\p{P}\p{S}\p{Zs}]+/gu, ' ')
    .trim()
    .slice(0, 300);
  return [hex, meaning].filter(Boolean).join(' ') + (said ? `: ${said}` : '');
}

/** Refusals that may be about the transfer syntax sent: the instance is sent again as stored. */
export function maybeSyntaxRefusal(code: number | undefined): boolean {
  return code === 0xc122 || code === 0xa900 || code === 0xc000 || code === 0x0122;
}
