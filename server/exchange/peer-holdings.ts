import { getString } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { searchPeer } from './peer-qido';
import type { PeerConnection } from './peer-connection';

/** Instances asked for per QIDO-RS page; a peer with a lower cap answers fewer, and the next page follows. */
const PAGE = 1000;
/** Pages at most: 1,000,000 instances. */
const MAX_PAGES = 1000;

/**
 * The SOP Instance UIDs the peer holds of a study (or of one series): QIDO-RS at instance level
 * (PS3.18 10.6.1, `includefield=00080018`), paged with offset and limit. A study the peer does
 * not know is an empty answer (204, or a 404 from peers that say so); other failures are thrown
 * as peer-answer.ts describes them.
 */
export async function peerHoldings(
  peer: PeerConnection,
  studyUid: string,
  seriesUid: string | null,
  signal: AbortSignal,
): Promise<Set<string>> {
  const held = new Set<string>();
  const base = seriesUid ? `/studies/${studyUid}/series/${seriesUid}/instances` : `/studies/${studyUid}/instances`;
  for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
    let items;
    let warning;
    try {
      ({ items, warning } = await searchPeer(peer, `${base}?includefield=${Tag.SOPInstanceUID}&limit=${PAGE}&offset=${offset}`, {
        signal,
        what: 'the question which instances it holds',
      }));
    } catch (error) {
      if ((error as { status?: unknown }).status === 404 && page === 0) return held;
      throw error;
    }
    for (const item of items) {
      const sop = getString(item, Tag.SOPInstanceUID);
      if (sop) held.add(sop);
    }
    offset += items.length;
    // A full page, or the peer's "more results" warning (PS3.18 8.3.4.4.1): there may be more.
    if (items.length === 0 || (items.length < PAGE && !warning)) return held;
  }
  return held;
}
