import type { KeyImageEntry, KeyImages, KeyImageTitle, KeyImageView } from '../../shared/api/key-images';
import { getNumber, type DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { AppError } from '../../shared/errors';
import type { AnnotationAuthor, AnnotationStore } from '../consultation/annotation-store';
import type { ArchiveIndex } from '../index/archive-index';
import type { IngestDeps } from '../ingest/store-instance';
import { instanceJson, PerStudyQueue, replaceVersions, storedVersions, type StoredDocument } from '../sr/document-versions';
import {
  buildKeyObjectSelection,
  instanceNumberOf,
  KEY_IMAGE_SERIES_DESCRIPTION,
  KEY_IMAGE_SERIES_NUMBER,
  KEY_OBJECT_SELECTION_SOP_CLASS_UID,
  readKeyObjectSelection,
  type KeyFrame,
} from './key-object-selection';

const KOS_SERIES = {
  sopClassUid: KEY_OBJECT_SELECTION_SOP_CLASS_UID,
  seriesNumber: KEY_IMAGE_SERIES_NUMBER,
  seriesDescription: KEY_IMAGE_SERIES_DESCRIPTION,
};

/** The annotation kind of a key image's view (annotation-store.ts; the viewer's measurement sync skips kinds it does not draw). */
export const KEY_IMAGE_VIEW_KIND = 'key-image';

export interface FrameRef {
  seriesInstanceUid: string;
  sopInstanceUid: string;
  frame: number;
}

interface CurrentDocument {
  seriesUid: string;
  sopUid: string;
  instanceNumber: number;
  title: KeyImageTitle;
  author: string;
  frames: KeyFrame[];
}

/**
 * The key images of each study: one current Key Object Selection document per study, in our
 * "Key images" series, shared by every user. A change writes the next version (a new SOP
 * instance, next Instance Number, same series) through the STOW ingest and then deletes the
 * version before it, so QIDO and any DICOM viewer see exactly the current set; no key images
 * left, no document. Each frame's view is an annotation of kind `key-image`.
 *
 * Changes of one study run one after the other (two users marking at once both count).
 */
export class StudyKeyImages {
  private readonly queue = new PerStudyQueue();

  constructor(private readonly deps: { index: ArchiveIndex; ingest: IngestDeps; annotations: AnnotationStore }) {}

  /** The study's key images in the order marked, with their views and image sizes. */
  read(studyUid: string): KeyImages {
    const current = this.current(studyUid);
    if (!current) return { document: null, images: [] };
    const views = this.views(studyUid);
    const images = current.frames.map((f): KeyImageEntry => {
      const ds = this.instanceJson(studyUid, f.seriesInstanceUid, f.sopInstanceUid);
      const view = views.get(frameKey(f))?.data as KeyImageView | undefined;
      return {
        seriesInstanceUID: f.seriesInstanceUid,
        sopInstanceUID: f.sopInstanceUid,
        frame: f.frame,
        columns: getNumber(ds, Tag.Columns) ?? 0,
        rows: getNumber(ds, Tag.Rows) ?? 0,
        ...optional('seriesNumber', getNumber(ds, Tag.SeriesNumber)),
        ...optional('instanceNumber', getNumber(ds, Tag.InstanceNumber)),
        ...(view ? { view } : {}),
      };
    });
    return {
      document: { sopInstanceUID: current.sopUid, seriesInstanceUID: current.seriesUid, title: current.title, author: current.author },
      images,
    };
  }

  /** Marks a frame (appended) and keeps its view; a frame already marked only gets the new view. */
  mark(studyUid: string, ref: FrameRef, view: KeyImageView, by: AnnotationAuthor): Promise<KeyImages> {
    return this.queue.run(studyUid, async () => {
      const instance = this.deps.index.findInstances(studyUid, ref.seriesInstanceUid, ref.sopInstanceUid)[0];
      if (!instance) throw new AppError('NOT_FOUND', 'No such instance in this study.');
      const ds = this.instanceJson(studyUid, ref.seriesInstanceUid, ref.sopInstanceUid);
      const frames = getNumber(ds, Tag.NumberOfFrames) ?? 1;
      if (ref.frame > frames) throw new AppError('BAD_REQUEST', `The instance has ${frames} frame(s); there is no frame ${ref.frame}.`);
      this.keepView(studyUid, ref, view, by);
      const current = this.current(studyUid);
      if (!current?.frames.some((f) => sameFrame(f, ref))) {
        const frame: KeyFrame = { ...ref, sopClassUid: instance.sopClassUid, multiFrame: frames > 1 };
        await this.replace(studyUid, current, [...(current?.frames ?? []), frame], current?.title ?? 'of-interest', by.name);
      }
      return this.read(studyUid);
    });
  }

  /** Unmarks a frame: a new version without it (none when it was the last), and its view goes. */
  unmark(studyUid: string, ref: Omit<FrameRef, 'seriesInstanceUid'>, by: AnnotationAuthor): Promise<KeyImages> {
    return this.queue.run(studyUid, async () => {
      const current = this.current(studyUid);
      if (!current?.frames.some((f) => sameFrame(f, ref))) throw new AppError('NOT_FOUND', 'This frame is not a key image of the study.');
      const rest = current.frames.filter((f) => !sameFrame(f, ref));
      await this.replace(studyUid, current, rest, current.title, by.name);
      const view = this.views(studyUid).get(frameKey(ref));
      if (view) this.deps.annotations.delete(studyUid, view.id);
      return this.read(studyUid);
    });
  }

  /** Replaces the view of a marked frame (its measurements changed); the document stays as it is. */
  updateView(studyUid: string, ref: FrameRef, view: KeyImageView, by: AnnotationAuthor): Promise<KeyImages> {
    return this.queue.run(studyUid, () => {
      if (!this.current(studyUid)?.frames.some((f) => sameFrame(f, ref)))
        throw new AppError('NOT_FOUND', 'This frame is not a key image of the study.');
      this.keepView(studyUid, ref, view, by);
      return Promise.resolve(this.read(studyUid));
    });
  }

  /** A new version with another Document Title. */
  retitle(studyUid: string, title: KeyImageTitle, by: AnnotationAuthor): Promise<KeyImages> {
    return this.queue.run(studyUid, async () => {
      const current = this.current(studyUid);
      if (!current) throw new AppError('NOT_FOUND', 'The study has no key images.');
      if (current.title !== title) await this.replace(studyUid, current, current.frames, title, by.name);
      return this.read(studyUid);
    });
  }

  /** Our KOS instances of the study, newest version first. */
  private ours(studyUid: string): StoredDocument[] {
    return storedVersions(this.deps.index, studyUid, KOS_SERIES);
  }

  private current(studyUid: string): CurrentDocument | undefined {
    const newest = this.ours(studyUid)[0];
    if (!newest) return undefined;
    const read = readKeyObjectSelection(newest.ds);
    const frames = read.frames.map((f) => {
      const ds = this.instanceJson(studyUid, f.seriesInstanceUid, f.sopInstanceUid);
      return { ...f, multiFrame: (getNumber(ds, Tag.NumberOfFrames) ?? 1) > 1 };
    });
    return {
      seriesUid: newest.seriesUid,
      sopUid: newest.sopUid,
      instanceNumber: instanceNumberOf(newest.ds),
      title: read.title ?? 'of-interest',
      author: read.observer,
      frames,
    };
  }

  /** Stores the next version (when there are frames left), then deletes every older one. */
  private async replace(
    studyUid: string,
    current: CurrentDocument | undefined,
    frames: KeyFrame[],
    title: KeyImageTitle,
    observer: string,
  ) {
    const older = this.ours(studyUid);
    let next: Buffer | undefined;
    if (frames.length > 0) {
      const studyJson = this.deps.index.studyJson(studyUid);
      if (studyJson === undefined) throw new AppError('NOT_FOUND', 'The study is no longer in the archive.');
      next = buildKeyObjectSelection({
        study: JSON.parse(studyJson) as DicomJson,
        title,
        frames,
        observer,
        createdAt: new Date(),
        ...(current ? { series: { uid: current.seriesUid, instanceNumber: current.instanceNumber + 1 } } : {}),
      }).part10;
    }
    await replaceVersions(this.deps, studyUid, next, older);
  }

  private views(studyUid: string) {
    const views = new Map<string, ReturnType<AnnotationStore['list']>[number]>();
    for (const a of this.deps.annotations.list(studyUid)) {
      if (a.kind === KEY_IMAGE_VIEW_KIND) views.set(frameKey({ sopInstanceUid: a.sopInstanceUID, frame: a.frame }), a);
    }
    return views;
  }

  private keepView(studyUid: string, ref: FrameRef, view: KeyImageView, by: AnnotationAuthor): void {
    const data = JSON.stringify(view);
    const existing = this.views(studyUid).get(frameKey(ref));
    if (existing) this.deps.annotations.update(studyUid, existing.id, data);
    else
      this.deps.annotations.create({
        studyUid,
        seriesUid: ref.seriesInstanceUid,
        sopUid: ref.sopInstanceUid,
        frame: ref.frame,
        kind: KEY_IMAGE_VIEW_KIND,
        data,
        author: by,
      });
  }

  private instanceJson(studyUid: string, seriesUid: string, sopUid: string): DicomJson {
    return instanceJson(this.deps.index, studyUid, seriesUid, sopUid);
  }
}

const frameKey = (f: { sopInstanceUid: string; frame: number }) => `${f.sopInstanceUid}#${f.frame}`;
const sameFrame = (a: { sopInstanceUid: string; frame: number }, b: { sopInstanceUid: string; frame: number }) =>
  a.sopInstanceUid === b.sopInstanceUid && a.frame === b.frame;
const optional = <K extends string>(key: K, value: number | undefined) =>
  value === undefined ? {} : ({ [key]: value } as Record<K, number>);
