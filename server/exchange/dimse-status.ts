/**
 * A DIMSE status in words for a transfer's failure reason: `0xA700 Refused: out of resources
 * (comment)`. The meanings are the general ones of PS3.7 Annex C and the C-STORE / C-MOVE ones of
 * PS3.4 Tables B.2-1 and C.4-2; the remote AE's Error Comment (0000,0902) follows when it sent one.
 */
export function dimseStatusReason(status: number, errorComment?: string): string {
  const hex = `0x${status.toString(16).toUpperCase().padStart(4, '0')}`;
  const meaning = MEANINGS.get(status) ?? byClass(status);
  const comment = errorComment?.trim();
  return `${hex}${meaning ? ` ${meaning}` : ''}${comment ? ` (${comment})` : ''}`;
}

const MEANINGS = new Map<number, string>([
  [0x0001, 'Warning: attribute list error'],
  [0x0107, 'Warning: attribute list error'],
  [0x0110, 'Failure: processing failure'],
  [0x0122, 'Refused: SOP class not supported'],
  [0x0124, 'Refused: not authorized'],
  [0x0211, 'Failure: unrecognized operation'],
  [0xa701, 'Refused: out of resources, unable to calculate the number of matches'],
  [0xa702, 'Refused: out of resources, unable to perform sub-operations'],
  [0xa801, 'Refused: move destination unknown'],
  [0xa900, 'Error: identifier does not match SOP class'],
  [0xb000, 'Warning: sub-operations complete, one or more failures'],
  [0xb007, 'Warning: coercion of data elements'],
  [0xfe00, 'Cancelled'],
]);

function byClass(status: number): string | undefined {
  const high = status & 0xff00;
  if (high === 0xa700) return 'Refused: out of resources';
  if (high === 0xa900) return 'Error: data set does not match SOP class';
  if ((status & 0xf000) === 0xc000) return 'Error: cannot understand';
  if ((status & 0xf000) === 0xb000) return 'Warning';
  return undefined;
}
