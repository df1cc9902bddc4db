/**
 * The DICOM Upper Layer's framing (PS3.8 9.3): every PDU is a 6-byte header (type, reserved,
 * 32-bit big-endian length) and its body. `readPdus` cuts a socket's byte stream into whole PDUs,
 * refusing a length over the bound before buffering anything of it, so a peer that announces a
 * 4 GB PDU (or sends garbage, which reads as one) costs nothing. P-DATA-TF bodies are bounded by
 * the maximum length this side announced in its association answer; the others by 64 KiB (an
 * A-ASSOCIATE-RQ with a hundred presentation contexts is about 10 KiB).
 */
export const PduType = {
  AssociateRq: 0x01,
  AssociateAc: 0x02,
  AssociateRj: 0x03,
  PData: 0x04,
  ReleaseRq: 0x05,
  ReleaseRp: 0x06,
  Abort: 0x07,
} as const;
export type PduType = (typeof PduType)[keyof typeof PduType];

export interface Pdu {
  type: PduType;
  /** The body after the 6-byte header; a view into the received bytes. */
  body: Buffer;
}

/** The peer broke the Upper Layer protocol: the association is aborted (A-ABORT, source 2, reason as given). */
export class PduError extends Error {
  constructor(
    message: string,
    /** PS3.8 Table 9-26 A-ABORT reason: 1 unrecognized PDU, 2 unexpected PDU, 4 unrecognized PDU parameter, 6 invalid PDU parameter value. */
    readonly abortReason: 0 | 1 | 2 | 4 | 5 | 6 = 6,
  ) {
    super(message);
    this.name = 'PduError';
  }
}

export const MAX_CONTROL_PDU = 64 * 1024;

export interface PduLimits {
  /** Largest P-DATA-TF body accepted (the Maximum Length this side announced, +6 for safety is not needed: it bounds the PDU). */
  maxPDataLength: number;
}

/**
 * Whole PDUs from `source`, in order. `limits` is read for every PDU, so the P-DATA bound can be
 * set once the association is accepted. Ends when the source ends between PDUs; a source that
 * ends inside one is a PduError.
 */
export async function* readPdus(source: AsyncIterable<Buffer>, limits: PduLimits): AsyncGenerator<Pdu> {
  // Chunks are joined only once a whole header, then a whole PDU, has arrived: one copy per PDU.
  const chunks: Buffer[] = [];
  let size = 0;
  const front = (n: number): Buffer => {
    if (chunks[0]!.length < n) chunks.splice(0, chunks.length, Buffer.concat(chunks, size));
    return chunks[0]!;
  };
  const drop = (n: number) => {
    chunks[0] = chunks[0]!.subarray(n);
    if (chunks[0].length === 0) chunks.shift();
    size -= n;
  };
  for await (const chunk of source) {
    if (chunk.length === 0) continue;
    chunks.push(chunk);
    size += chunk.length;
    while (size >= 6) {
      const head = front(6);
      const type = head[0]!;
      if (type < PduType.AssociateRq || type > PduType.Abort)
        throw new PduError(`unknown PDU type 0x${type.toString(16).padStart(2, '0')}`, 1);
      const length = head.readUInt32BE(2);
      const bound = type === PduType.PData ? limits.maxPDataLength : MAX_CONTROL_PDU;
      if (length > bound) throw new PduError(`a PDU of type ${type} announces ${length} bytes; at most ${bound} are accepted`, 6);
      if (size < 6 + length) break;
      const whole = front(6 + length);
      yield { type: type as PduType, body: whole.subarray(6, 6 + length) };
      drop(6 + length);
    }
  }
  if (size > 0) throw new PduError(`the connection ended inside a PDU (${size} bytes of it received)`, 0);
}

/** A PDU's bytes: header and body. */
export function encodePdu(type: PduType, body: Buffer): Buffer {
  const header = Buffer.alloc(6);
  header[0] = type;
  header.writeUInt32BE(body.length, 2);
  return Buffer.concat([header, body]);
}

/** One Presentation Data Value of a P-DATA-TF (PS3.8 9.3.5.1, E.2). */
export interface Pdv {
  contextId: number;
  /** Message Control Header bit 0: a command fragment (else data set). */
  command: boolean;
  /** Bit 1: the last fragment of its command or data set. */
  last: boolean;
  /** A view into the PDU's body. */
  data: Buffer;
}

/** The PDVs of a P-DATA-TF body. */
export function readPdvs(body: Buffer): Pdv[] {
  const pdvs: Pdv[] = [];
  for (let at = 0; at < body.length;) {
    if (body.length - at < 6) throw new PduError('a P-DATA-TF ends inside a PDV item header');
    const length = body.readUInt32BE(at);
    if (length < 2 || at + 4 + length > body.length)
      throw new PduError(`a PDV item announces ${length} bytes, more than its P-DATA-TF holds`);
    const contextId = body[at + 4]!;
    const control = body[at + 5]!;
    if (control & 0xfc) throw new PduError(`a PDV's message control header has reserved bits set (0x${control.toString(16)})`);
    pdvs.push({ contextId, command: (control & 1) === 1, last: (control & 2) === 2, data: body.subarray(at + 6, at + 4 + length) });
    at += 4 + length;
  }
  return pdvs;
}

/** One P-DATA-TF holding one PDV. */
export function encodePData(pdv: Pdv): Buffer {
  const item = Buffer.alloc(6);
  item.writeUInt32BE(pdv.data.length + 2, 0);
  item[4] = pdv.contextId;
  item[5] = (pdv.command ? 1 : 0) | (pdv.last ? 2 : 0);
  return encodePdu(PduType.PData, Buffer.concat([item, pdv.data]));
}
