import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { APPLICATION_CONTEXT, type AcceptedContext, type AssociateRq, type RoleSelection } from './association-pdu';
import { QUERY_RETRIEVE_SOP_CLASSES, VERIFICATION_SOP_CLASS, isStorageSopClass, type QueryRetrieveService } from './sop-classes';

/** What an association acceptor answers to an A-ASSOCIATE-RQ (PS3.8 9.3.3): refusal, presentation contexts, roles. */

/** What a calling AE may do (a known remote AE's rights; all of them with PACS_DIMSE_ACCEPT_ANY). */
export interface CallerRights {
  mayStore: boolean;
  mayQuery: boolean;
  mayRetrieve: boolean;
}

export interface PresentationContext {
  abstractSyntax: string;
  transferSyntax: string;
}

/** The retired big-endian syntax is left for the sender to convert: our parser reads little endian. */
const REFUSED_SYNTAXES: ReadonlySet<string> = new Set(['1.2.840.10008.1.2.2']);

/** Why the association is refused (PS3.8 Table 9-21 reasons, source 1), or undefined. */
export function refusalOf(
  rq: AssociateRq,
  address: string,
  aeTitle: string,
  known: CallerRights | undefined,
): { reason: number; text: string } | undefined {
  if (rq.applicationContext !== APPLICATION_CONTEXT)
    return { reason: 2, text: `application context ${rq.applicationContext} not supported` };
  if (rq.calledAeTitle !== aeTitle) return { reason: 7, text: `called AE title "${rq.calledAeTitle}" is not ours` };
  if (!known) return { reason: 3, text: `calling AE title "${rq.callingAeTitle}" from ${address} is not a known remote AE` };
  return undefined;
}

/**
 * Verification and the query/retrieve SOP classes served, in Explicit (else Implicit) VR Little
 * Endian. Any Storage SOP Class in a syntax the archive stores: the first compressed (or
 * deflated) one proposed, since a sender lists what it holds first; else Explicit VR Little
 * Endian, which keeps the VRs; else Implicit VR Little Endian. DCMTK's storescp chooses alike.
 * A Storage SOP Class the requestor takes the SCP role for (it will receive our C-GET's
 * C-STOREs) gets the first of Explicit and Implicit VR Little Endian proposed, before any
 * compressed one: its one context must carry every instance of the class, whatever its stored
 * syntax, and the archive can write any of them in those (store-scu.ts).
 */
export function negotiate(
  id: number,
  abstractSyntax: string,
  proposed: string[],
  served: ReadonlySet<QueryRetrieveService>,
  receiver = false,
): AcceptedContext {
  const service = QUERY_RETRIEVE_SOP_CLASSES.get(abstractSyntax);
  if (abstractSyntax === VERIFICATION_SOP_CLASS || (service && served.has(service))) {
    const chosen = proposed.find((uid) => uid === EXPLICIT_VR_LITTLE_ENDIAN) ?? proposed.find((uid) => uid === IMPLICIT_VR_LITTLE_ENDIAN);
    return chosen ? { id, result: 0, transferSyntax: chosen } : { id, result: 4, transferSyntax: '' };
  }
  if (!isStorageSopClass(abstractSyntax)) return { id, result: 3, transferSyntax: '' };
  const stored = proposed.filter((uid) => transferSyntax(uid) !== undefined && !REFUSED_SYNTAXES.has(uid));
  const chosen =
    (receiver ? stored.find((uid) => uid === EXPLICIT_VR_LITTLE_ENDIAN || uid === IMPLICIT_VR_LITTLE_ENDIAN) : undefined) ??
    stored.find((uid) => transferSyntax(uid)!.encapsulated || transferSyntax(uid)!.deflated) ??
    stored.find((uid) => uid === EXPLICIT_VR_LITTLE_ENDIAN) ??
    stored[0];
  return chosen ? { id, result: 0, transferSyntax: chosen } : { id, result: 4, transferSyntax: '' };
}

/** The roles proposed for accepted Storage SOP Classes, accepted as proposed (a C-GET requestor acts as their SCP). */
export function acceptedRoles(proposed: RoleSelection[], contexts: ReadonlyMap<number, PresentationContext>): RoleSelection[] {
  const accepted = new Set([...contexts.values()].map((c) => c.abstractSyntax));
  return proposed.filter((role) => isStorageSopClass(role.sopClass) && accepted.has(role.sopClass));
}
