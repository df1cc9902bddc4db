import type { Response } from 'express';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { AppError } from '../../shared/errors';
import type { ArchiveIndex } from '../index/archive-index';
import { studyVersionQuery } from '../index/study-version';
import { deidentifyDataset, isRetainedTagPath, type DeidContext } from './deidentify/deidentify-json';
import { ReplacementUids } from './deidentify/replacement-uids';
import type { ActiveShare } from './share-store';

export type UidLevel = 'study' | 'series' | 'instance';

/**
 * The archive as one share link sees it. Every UID a guest sends is resolved here before any
 * handler looks it up: outside the share's study (or its series) it is answered exactly like a
 * UID that does not exist, so a share is no oracle for what else the archive holds. For an
 * anonymized share the guest only ever sees and sends replacement UIDs; this maps them back.
 */
export class ShareView {
  private uids: ReplacementUids | undefined;

  constructor(
    readonly share: ActiveShare,
    private readonly mapping: () => ReplacementUids,
  ) {}

  get anonymized(): boolean {
    return this.share.anonymize;
  }

  /** The archive's UID for one the guest sent, or the same 404 as for a UID that does not exist. */
  original(level: UidLevel, presented: string): string {
    let uid = presented;
    if (this.share.anonymize) {
      const original = this.replacements().original(presented);
      if (original === undefined) throw notInScope();
      uid = original;
    }
    if (level === 'study' && uid !== this.share.studyUid) throw notInScope();
    if (level === 'series' && this.share.seriesUids && !this.share.seriesUids.includes(uid)) throw notInScope();
    return uid;
  }

  /** The UID the guest sees for an archive UID. */
  presented(uid: string): string {
    return this.share.anonymize ? this.replacements().replace(uid) : uid;
  }

  /** The QIDO-RS restriction: only the shared study, and only its shared series. */
  restrictTo(): { studyUid: string; seriesUids?: readonly string[] } {
    return this.share.seriesUids ? { studyUid: this.share.studyUid, seriesUids: this.share.seriesUids } : { studyUid: this.share.studyUid };
  }

  /** DICOM JSON as the guest may see it (de-identified for an anonymized share). */
  present(datasets: DicomJson[]): DicomJson[] {
    if (!this.share.anonymize) return datasets;
    const ctx = this.deidContext();
    return datasets.map((ds) => deidentifyDataset(ds, ctx));
  }

  deidContext(): DeidContext {
    return { uids: this.replacements(), secret: this.share.deidSecret, label: this.share.id.slice(0, 8) };
  }

  /** Bulk data of attributes the profile removes is out of reach of an anonymized share. */
  allowsBulkPath(tags: string[]): boolean {
    return !this.share.anonymize || isRetainedTagPath(tags);
  }

  private replacements(): ReplacementUids {
    this.uids ??= this.mapping();
    return this.uids;
  }
}

export function notInScope(): AppError {
  return new AppError('NOT_FOUND', 'No such study, series or instance.');
}

export function shareViewOf(res: Response): ShareView | undefined {
  return res.locals.shareView as ShareView | undefined;
}

/**
 * Builds share views, keeping for each anonymized share the replacements of every UID of its
 * study (learned once per version of the study, so a request path's replacement UID maps back).
 */
export class ShareViews {
  private readonly cache = new Map<string, { version: string; uids: ReplacementUids }>();
  private readonly studyVersion;

  constructor(private readonly index: ArchiveIndex) {
    this.studyVersion = studyVersionQuery(index.db);
  }

  viewOf(share: ActiveShare): ShareView {
    return new ShareView(share, () => this.replacementsOf(share));
  }

  private replacementsOf(share: ActiveShare): ReplacementUids {
    const version = this.studyVersion(share.studyUid) ?? '';
    const cached = this.cache.get(share.id);
    if (cached && cached.version === version) return cached.uids;
    const uids = new ReplacementUids(share.deidSecret);
    const wanted = share.seriesUids ? new Set(share.seriesUids) : undefined;
    uids.learn([share.studyUid]);
    for (const instance of this.index.findInstances(share.studyUid)) {
      if (wanted && !wanted.has(instance.seriesUid)) continue;
      uids.learn([instance.seriesUid, instance.sopUid]);
    }
    if (this.cache.size >= 200) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(share.id, { version, uids });
    return uids;
  }
}
