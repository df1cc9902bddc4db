import { PduError, PduType, encodePdu } from './pdu-reader';

/**
 * A-ASSOCIATE-RQ / -AC / -RJ, A-RELEASE and A-ABORT bodies (PS3.8 9.3.2–9.3.8), decoded into
 * plain objects and encoded back. Items are big-endian (PS3.8 9.3.1); UIDs may be padded with
 * a NUL to an even length, AE titles with spaces to 16 bytes.
 */
export const APPLICATION_CONTEXT = '1.2.840.10008.3.1.1.1';

export interface ProposedContext {
  /** Odd, 1–255. */
  id: number;
  abstractSyntax: string;
  transferSyntaxes: string[];
}

/** PS3.8 Table 9-18: 0 acceptance, 1 user rejection, 2 no reason, 3 abstract syntax not supported, 4 transfer syntaxes not supported. */
export type ContextResult = 0 | 1 | 2 | 3 | 4;

export interface AcceptedContext {
  id: number;
  result: ContextResult;
  /** The one transfer syntax chosen (empty unless result is 0). */
  transferSyntax: string;
}

export interface RoleSelection {
  sopClass: string;
  scu: boolean;
  scp: boolean;
}

export interface UserInformation {
  /** Largest P-DATA-TF body the sender of this item accepts; 0 = no limit. */
  maxLength: number;
  implementationClassUid: string;
  implementationVersionName?: string;
  /** SCP/SCU Role Selection (0x54), used by C-GET. */
  roles: RoleSelection[];
}

export interface AssociateRq {
  calledAeTitle: string;
  callingAeTitle: string;
  applicationContext: string;
  contexts: ProposedContext[];
  user: UserInformation;
}

export interface AssociateAc {
  calledAeTitle: string;
  callingAeTitle: string;
  contexts: AcceptedContext[];
  user: UserInformation;
}

/** PS3.8 Table 9-21: result 1 permanent, 2 transient; source 1 user, 2 provider (ACSE), 3 provider (presentation). */
export interface AssociateRj {
  result: 1 | 2;
  source: 1 | 2 | 3;
  /** With source 1: 1 no reason, 2 application context not supported, 3 calling AE not recognized, 7 called AE not recognized. */
  reason: number;
}

const text = (bytes: Buffer) => bytes.toString('latin1').replace(/[\0 ]+$/, '');

export function decodeAssociateRq(body: Buffer): AssociateRq {
  const { called, calling, items } = fixedPart(body);
  let applicationContext = '';
  const contexts: ProposedContext[] = [];
  let user: UserInformation | undefined;
  for (const item of items) {
    if (item.type === 0x10) applicationContext = text(item.value);
    else if (item.type === 0x20) {
      if (item.value.length < 4) throw new PduError('a presentation context item is too short');
      let abstractSyntax = '';
      const transferSyntaxes: string[] = [];
      for (const sub of subItems(item.value.subarray(4))) {
        if (sub.type === 0x30) abstractSyntax = text(sub.value);
        else if (sub.type === 0x40) transferSyntaxes.push(text(sub.value));
      }
      contexts.push({ id: item.value[0]!, abstractSyntax, transferSyntaxes });
    } else if (item.type === 0x50) user = decodeUser(item.value);
  }
  if (!applicationContext) throw new PduError('the A-ASSOCIATE-RQ has no application context item', 4);
  if (contexts.length === 0) throw new PduError('the A-ASSOCIATE-RQ proposes no presentation context', 4);
  if (!user) throw new PduError('the A-ASSOCIATE-RQ has no user information item', 4);
  return { calledAeTitle: called, callingAeTitle: calling, applicationContext, contexts, user };
}

export function decodeAssociateAc(body: Buffer): AssociateAc {
  const { called, calling, items } = fixedPart(body);
  const contexts: AcceptedContext[] = [];
  let user: UserInformation | undefined;
  for (const item of items) {
    if (item.type === 0x21) {
      if (item.value.length < 4) throw new PduError('a presentation context item is too short');
      const ts = subItems(item.value.subarray(4)).find((sub) => sub.type === 0x40);
      contexts.push({ id: item.value[0]!, result: item.value[2]! as ContextResult, transferSyntax: ts ? text(ts.value) : '' });
    } else if (item.type === 0x50) user = decodeUser(item.value);
  }
  if (!user) throw new PduError('the A-ASSOCIATE-AC has no user information item', 4);
  return { calledAeTitle: called, callingAeTitle: calling, contexts, user };
}

export function decodeAssociateRj(body: Buffer): AssociateRj {
  if (body.length < 4) throw new PduError('an A-ASSOCIATE-RJ is too short');
  return { result: body[1] as 1 | 2, source: body[2] as 1 | 2 | 3, reason: body[3]! };
}

/** A-ABORT (PS3.8 9.3.8): source 0 user, 2 provider; reason as PduError's. */
export function decodeAbort(body: Buffer): { source: number; reason: number } {
  return { source: body[2] ?? 0, reason: body[3] ?? 0 };
}

export function encodeAssociateRq(rq: AssociateRq): Buffer {
  const items = [
    item(0x10, Buffer.from(rq.applicationContext, 'latin1')),
    ...rq.contexts.map((c) =>
      item(
        0x20,
        Buffer.concat([
          Buffer.from([c.id, 0, 0, 0]),
          item(0x30, Buffer.from(c.abstractSyntax, 'latin1')),
          ...c.transferSyntaxes.map((ts) => item(0x40, Buffer.from(ts, 'latin1'))),
        ]),
      ),
    ),
    encodeUser(rq.user),
  ];
  return encodePdu(PduType.AssociateRq, Buffer.concat([fixed(rq.calledAeTitle, rq.callingAeTitle), ...items]));
}

export function encodeAssociateAc(ac: AssociateAc): Buffer {
  const items = [
    item(0x10, Buffer.from(APPLICATION_CONTEXT, 'latin1')),
    ...ac.contexts.map((c) =>
      item(
        0x21,
        Buffer.concat([Buffer.from([c.id, 0, c.result, 0]), item(0x40, Buffer.from(c.result === 0 ? c.transferSyntax : '', 'latin1'))]),
      ),
    ),
    encodeUser(ac.user),
  ];
  return encodePdu(PduType.AssociateAc, Buffer.concat([fixed(ac.calledAeTitle, ac.callingAeTitle), ...items]));
}

export function encodeAssociateRj(rj: AssociateRj): Buffer {
  return encodePdu(PduType.AssociateRj, Buffer.from([0, rj.result, rj.source, rj.reason]));
}

export function encodeReleaseRq(): Buffer {
  return encodePdu(PduType.ReleaseRq, Buffer.alloc(4));
}

export function encodeReleaseRp(): Buffer {
  return encodePdu(PduType.ReleaseRp, Buffer.alloc(4));
}

/** A-ABORT from this side: source 0 (service user) or 2 (service provider, with a reason). */
export function encodeAbort(source: 0 | 2, reason = 0): Buffer {
  return encodePdu(PduType.Abort, Buffer.from([0, 0, source, source === 2 ? reason : 0]));
}

interface Item {
  type: number;
  value: Buffer;
}

function fixedPart(body: Buffer): { called: string; calling: string; items: Item[] } {
  if (body.length < 68) throw new PduError('an A-ASSOCIATE PDU is shorter than its fixed fields');
  if ((body.readUInt16BE(0) & 1) === 0) throw new PduError('the protocol version does not include version 1', 6);
  return { called: text(body.subarray(4, 20)).trim(), calling: text(body.subarray(20, 36)).trim(), items: subItems(body.subarray(68)) };
}

/** Items and sub-items share one layout: type (1), reserved (1), length (2), value. */
function subItems(bytes: Buffer): Item[] {
  const items: Item[] = [];
  for (let at = 0; at < bytes.length;) {
    if (bytes.length - at < 4) throw new PduError('an item ends inside its header');
    const length = bytes.readUInt16BE(at + 2);
    if (at + 4 + length > bytes.length)
      throw new PduError(`an item of type 0x${bytes[at]!.toString(16)} announces more bytes than its PDU holds`);
    items.push({ type: bytes[at]!, value: bytes.subarray(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  return items;
}

function decodeUser(value: Buffer): UserInformation {
  const user: UserInformation = { maxLength: 0, implementationClassUid: '', roles: [] };
  for (const sub of subItems(value)) {
    if (sub.type === 0x51 && sub.value.length >= 4) user.maxLength = sub.value.readUInt32BE(0);
    else if (sub.type === 0x52) user.implementationClassUid = text(sub.value);
    else if (sub.type === 0x55) user.implementationVersionName = text(sub.value);
    else if (sub.type === 0x54 && sub.value.length >= 2) {
      const uidLength = sub.value.readUInt16BE(0);
      if (sub.value.length < 2 + uidLength + 2) throw new PduError('an SCP/SCU role selection sub-item is too short');
      user.roles.push({
        sopClass: text(sub.value.subarray(2, 2 + uidLength)),
        scu: sub.value[2 + uidLength] === 1,
        scp: sub.value[3 + uidLength] === 1,
      });
    }
  }
  return user;
}

function encodeUser(user: UserInformation): Buffer {
  const max = Buffer.alloc(4);
  max.writeUInt32BE(user.maxLength, 0);
  const subs = [item(0x51, max), item(0x52, Buffer.from(user.implementationClassUid, 'latin1'))];
  for (const role of user.roles) {
    const uid = Buffer.from(role.sopClass, 'latin1');
    const head = Buffer.alloc(2);
    head.writeUInt16BE(uid.length, 0);
    subs.push(item(0x54, Buffer.concat([head, uid, Buffer.from([role.scu ? 1 : 0, role.scp ? 1 : 0])])));
  }
  if (user.implementationVersionName) subs.push(item(0x55, Buffer.from(user.implementationVersionName, 'latin1')));
  return item(0x50, Buffer.concat(subs));
}

function item(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head[0] = type;
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value]);
}

/** Protocol version 1, the two AE titles (16 bytes, space-padded), 32 reserved bytes. */
function fixed(called: string, calling: string): Buffer {
  const out = Buffer.alloc(68, 0);
  out.writeUInt16BE(1, 0);
  out.write(called.padEnd(16, ' ').slice(0, 16), 4, 'latin1');
  out.write(calling.padEnd(16, ' ').slice(0, 16), 20, 'latin1');
  return out;
}
