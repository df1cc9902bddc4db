import { PduError } from './pdu-reader';

/**
 * DIMSE command sets (PS3.7 9.3, E.1): the group 0000 elements of a message, always in Implicit
 * VR Little Endian. Commands are small (a few hundred bytes), so they are read and written whole;
 * only data sets stream.
 */
export const CommandField = {
  CStoreRq: 0x0001,
  CStoreRsp: 0x8001,
  CGetRq: 0x0010,
  CGetRsp: 0x8010,
  CFindRq: 0x0020,
  CFindRsp: 0x8020,
  CMoveRq: 0x0021,
  CMoveRsp: 0x8021,
  CEchoRq: 0x0030,
  CEchoRsp: 0x8030,
  CCancelRq: 0x0fff,
} as const;

/** Command Data Set Type (0000,0800): this value says no data set follows; any other, one does. */
export const NO_DATA_SET = 0x0101;

/** The command elements by name, as PS3.7 E.1 calls them. */
export interface Command {
  affectedSopClassUid?: string;
  requestedSopClassUid?: string;
  commandField: number;
  messageId?: number;
  messageIdBeingRespondedTo?: number;
  moveDestination?: string;
  priority?: number;
  commandDataSetType: number;
  status?: number;
  /** Offending Element (0000,0901): the tag at fault, 8 hex digits as in DICOM JSON. */
  offendingElement?: string;
  errorComment?: string;
  affectedSopInstanceUid?: string;
  requestedSopInstanceUid?: string;
  remainingSubOperations?: number;
  completedSubOperations?: number;
  failedSubOperations?: number;
  warningSubOperations?: number;
  moveOriginatorAeTitle?: string;
  moveOriginatorMessageId?: number;
}

type Kind = 'UI' | 'AE' | 'LO' | 'US' | 'UL' | 'AT';
/** Element number in group 0000 → field and VR (PS3.7 Table E.1-1). */
const ELEMENTS: ReadonlyArray<[number, keyof Command, Kind]> = [
  [0x0002, 'affectedSopClassUid', 'UI'],
  [0x0003, 'requestedSopClassUid', 'UI'],
  [0x0100, 'commandField', 'US'],
  [0x0110, 'messageId', 'US'],
  [0x0120, 'messageIdBeingRespondedTo', 'US'],
  [0x0600, 'moveDestination', 'AE'],
  [0x0700, 'priority', 'US'],
  [0x0800, 'commandDataSetType', 'US'],
  [0x0900, 'status', 'US'],
  [0x0901, 'offendingElement', 'AT'],
  [0x0902, 'errorComment', 'LO'],
  [0x1000, 'affectedSopInstanceUid', 'UI'],
  [0x1001, 'requestedSopInstanceUid', 'UI'],
  [0x1020, 'remainingSubOperations', 'US'],
  [0x1021, 'completedSubOperations', 'US'],
  [0x1022, 'failedSubOperations', 'US'],
  [0x1023, 'warningSubOperations', 'US'],
  [0x1030, 'moveOriginatorAeTitle', 'AE'],
  [0x1031, 'moveOriginatorMessageId', 'US'],
];
const BY_ELEMENT = new Map(ELEMENTS.map(([element, field, kind]) => [element, { field, kind }]));

export function decodeCommand(bytes: Buffer): Command {
  const command: Record<string, string | number> = {};
  for (let at = 0; at < bytes.length;) {
    if (bytes.length - at < 8) throw new PduError('a DIMSE command ends inside an element header');
    const group = bytes.readUInt16LE(at);
    const element = bytes.readUInt16LE(at + 2);
    const length = bytes.readUInt32LE(at + 4);
    if (group !== 0x0000) throw new PduError(`a DIMSE command holds an element of group ${group.toString(16).padStart(4, '0')}`);
    if (at + 8 + length > bytes.length) throw new PduError('a DIMSE command element is longer than the command');
    const value = bytes.subarray(at + 8, at + 8 + length);
    const known = BY_ELEMENT.get(element);
    if (known) {
      if (known.kind === 'US') command[known.field] = length >= 2 ? value.readUInt16LE(0) : 0;
      else if (known.kind === 'UL') command[known.field] = length >= 4 ? value.readUInt32LE(0) : 0;
      else if (known.kind === 'AT') command[known.field] = length >= 4 ? tagHex(value.readUInt16LE(0), value.readUInt16LE(2)) : '';
      else
        command[known.field] = value
          .toString(known.kind === 'LO' ? 'utf8' : 'latin1')
          .replace(/[\0 ]+$/, '')
          .replace(/^ +/, '');
    }
    at += 8 + length;
  }
  if (typeof command.commandField !== 'number') throw new PduError('a DIMSE command has no Command Field (0000,0100)');
  if (typeof command.commandDataSetType !== 'number') throw new PduError('a DIMSE command has no Command Data Set Type (0000,0800)');
  return command as unknown as Command;
}

export function encodeCommand(command: Command): Buffer {
  // Sized first, then written into one buffer: a C-FIND sends one command per match.
  const values: { element: number; kind: string; value: number | Buffer }[] = [];
  let length = 0;
  for (const [element, field, kind] of ELEMENTS) {
    const value = command[field];
    if (value === undefined) continue;
    if (kind === 'US' || kind === 'UL' || kind === 'AT') {
      values.push({ element, kind, value: kind === 'AT' ? Number.parseInt(String(value), 16) : (value as number) });
      length += kind === 'US' ? 10 : 12;
    } else {
      const bytes = Buffer.from(String(value), kind === 'LO' ? 'utf8' : 'latin1');
      values.push({ element, kind, value: bytes });
      length += 8 + bytes.length + (bytes.length % 2);
    }
  }
  const out = Buffer.allocUnsafe(12 + length);
  let at = elementHeader(out, 0, 0x0000, 4);
  out.writeUInt32LE(length, at);
  at += 4;
  for (const { element, kind, value } of values) {
    if (typeof value !== 'number') {
      at = elementHeader(out, at, element, value.length + (value.length % 2));
      at += value.copy(out, at);
      if (value.length % 2 === 1) out[at++] = kind === 'UI' ? 0 : 0x20;
    } else if (kind === 'US') {
      at = out.writeUInt16LE(value, elementHeader(out, at, element, 2));
    } else if (kind === 'UL') {
      at = out.writeUInt32LE(value, elementHeader(out, at, element, 4));
    } else {
      at = elementHeader(out, at, element, 4);
      at = out.writeUInt16LE(value & 0xffff, out.writeUInt16LE(value >>> 16, at));
    }
  }
  return out;
}

function tagHex(group: number, element: number): string {
  return (group * 0x10000 + element).toString(16).toUpperCase().padStart(8, '0');
}

/** Writes a group 0000 element header at `at`; returns where its value goes. */
function elementHeader(out: Buffer, at: number, element: number, length: number): number {
  out.writeUInt16LE(0x0000, at);
  out.writeUInt16LE(element, at + 2);
  out.writeUInt32LE(length, at + 4);
  return at + 8;
}
