/**
 * Measurements shared through the archive (/api/studies/{study}/annotations): loaded onto their
 * images (series, SOP instance, frame) when the viewer opens, for every study it shows (a current
 * and its priors), and, for users who may annotate, saved to the study of the image they are on
 * when one is completed, changed or deleted. Changes are found by comparing each image's
 * measurements with what the archive last got, once the pointer is up, so a drag sends one PUT
 * and a cornerstone-tools event with a copied measurement still finds the original.
 *
 * The viewer element carries `data-annotations` (loading | loaded | failed),
 * `data-annotations-pending` (requests in flight) and `data-annotations-saved` (requests done).
 */
import cornerstone from 'cornerstone-core';
import type { MeasurementData } from 'cornerstone-tools';
import { describeError, showError } from '../app/error-banner';
import type { SessionInfo } from '../app/session';
import { translator } from '../i18n/i18n';
import { imageIdOf, parseImageId } from '../imaging/image-ids';
import { loadedMeasurementTools, loadMeasurementTools, type MeasurementTools } from '../imaging/load-measurement-tools';
import { MEASUREMENT_EVENTS, MEASUREMENT_MODIFIED, type Measurement, type MeasurementTool } from '../imaging/measurement-tool-names';
import { createAnnotation, deleteAnnotation, listAnnotations, updateAnnotation, type Annotation } from './annotation-api';
import { fromStored, kindOf, toolOfKind, toStored } from './annotation-data';
import { setOwner, type MeasurementOwner } from './measurement-owner';
import { annotationMessages } from './messages';

const t = translator(annotationMessages);

/** Others' marks are drawn in their own colour. */
const FOREIGN_COLOR = 'rgb(255, 160, 60)';
/** Quiet time after the last change event before comparing (a handle drag fires one per move). */
const SETTLE_MS = 300;

interface Tracked extends MeasurementOwner {
  /** The study whose annotation this is (the study of its image). */
  studyUid: string;
  imageId: string;
  tool: MeasurementTool;
  /** The stored form the archive has (or is being sent), as JSON. */
  saved: string;
  /** This annotation's requests, one after the other. */
  queue: Promise<unknown>;
}

const tracked = new WeakMap<MeasurementData, Tracked>();
/**
 * What the archive's list put on the images, by annotation id. Kept across visits of the viewer
 * (cornerstone-tools keeps its tool state), so a study opened again is replaced, not doubled.
 */
const fromArchive = new Map<string, { imageId: string; measurement: Measurement }>();

export interface SharedAnnotations {
  /** Follows the measurement events of the viewports inside `grid` (capture phase: they do not bubble). */
  attach(grid: HTMLElement): void;
  /** Puts the annotations of the studies on their images and redraws the viewports. */
  load(): Promise<void>;
  /** Sends what is still waiting and stops listening. */
  detach(): void;
}

export function createSharedAnnotations(studyUids: readonly string[], session: SessionInfo | null, status: HTMLElement): SharedAnnotations {
  const canRead = session?.permissions.includes('read') ?? false;
  const canWrite = session?.permissions.includes('annotate') ?? false;
  const me = session?.user?.displayName || session?.user?.username || '';
  const timers = new Map<string, number>();
  const dirty = new Set<string>();
  let grid: HTMLElement | undefined;
  let pointerDown = false;
  let pending = 0;
  let saved = 0;

  const saveFailed = (error: unknown) => showError(t('saveFailed', { message: describeError(error) }));
  const setCounts = () => {
    status.dataset.annotationsPending = String(pending);
    status.dataset.annotationsSaved = String(saved);
  };
  setCounts();

  /** One request of an annotation, after its earlier ones. */
  const send = <T>(entry: Tracked, request: () => Promise<T>): Promise<T> => {
    pending++;
    setCounts();
    const result = entry.queue.then(request);
    entry.queue = result.catch(() => undefined);
    return result.finally(() => {
      pending--;
      setCounts();
    });
  };

  const redraw = (imageId?: string) => {
    for (const element of grid?.querySelectorAll<HTMLElement>('[data-testid="viewport-image"]') ?? []) {
      const image = cornerstone.getImage(element);
      if (image && (imageId === undefined || image.imageId === imageId)) cornerstone.updateImage(element);
    }
  };

  const schedule = (imageId: string, delay: number) => {
    dirty.add(imageId);
    window.clearTimeout(timers.get(imageId));
    timers.set(
      imageId,
      window.setTimeout(() => sync(imageId), delay),
    );
  };

  const ready = (m: Measurement) =>
    (m.data as { complete?: boolean }).complete !== false &&
    (m.tool !== 'ArrowAnnotate' || (typeof m.data.text === 'string' && m.data.text !== ''));

  /** Compares the image's measurements with what the archive has, and sends the difference. */
  function sync(imageId: string): void {
    timers.delete(imageId);
    if (pointerDown) return; // the pointer's release syncs again
    dirty.delete(imageId);
    const tools = loadedMeasurementTools();
    if (!tools) return; // only measurement events make an image dirty, and they come from the tools
    const present = tools.measurementsOfImage(imageId);
    for (const m of present) {
      if (!ready(m)) continue;
      const entry = tracked.get(m.data);
      const now = JSON.stringify(toStored(m));
      if (!entry) {
        if (canWrite) create(imageId, m, now);
      } else if (now !== entry.saved) {
        if (!entry.mine) restore(m, entry);
        else if (entry.id !== undefined) update(entry, now);
        // else: its POST is in flight and syncs again when answered
      }
    }
    for (const [id, shown] of fromArchive) {
      if (shown.imageId !== imageId || present.some((m) => m.data === shown.measurement.data)) continue;
      const entry = tracked.get(shown.measurement.data);
      if (entry?.mine) {
        fromArchive.delete(id);
        remove(entry, id);
      } else {
        tools.addMeasurementToImage(imageId, shown.measurement);
        redraw(imageId);
      }
    }
  }

  function create(imageId: string, m: Measurement, now: string): void {
    const ref = parseImageId(imageId);
    if (!studyUids.includes(ref.studyUid)) return;
    const entry: Tracked = {
      studyUid: ref.studyUid,
      imageId,
      tool: m.tool,
      author: me,
      mine: true,
      saved: now,
      queue: Promise.resolve(),
    };
    tracked.set(m.data, entry);
    setOwner(m.data, entry);
    send(entry, () =>
      createAnnotation(ref.studyUid, {
        seriesInstanceUID: ref.seriesUid,
        sopInstanceUID: ref.sopUid,
        frame: ref.frame,
        kind: kindOf(m.tool),
        data: JSON.parse(now) as unknown,
      }),
    )
      .then((annotation) => {
        entry.id = annotation.id;
        fromArchive.set(annotation.id, { imageId, measurement: m });
        saved++;
        setCounts();
        // Moved or deleted while the POST was on its way?
        sync(imageId);
      })
      .catch((error: unknown) => {
        // Left as a local measurement; its next change tries again.
        tracked.delete(m.data);
        setOwner(m.data, undefined);
        saveFailed(error);
      });
  }

  function update(entry: Tracked, now: string): void {
    const before = entry.saved;
    entry.saved = now;
    send(entry, () => updateAnnotation(entry.studyUid, entry.id!, JSON.parse(now) as unknown))
      .then(() => {
        saved++;
        setCounts();
      })
      .catch((error: unknown) => {
        if (entry.saved === now) entry.saved = before;
        saveFailed(error);
      });
  }

  function remove(entry: Tracked, id: string): void {
    send(entry, () => deleteAnnotation(entry.studyUid, id))
      .then(() => {
        saved++;
        setCounts();
      })
      .catch(saveFailed);
  }

  /** Someone else's mark changed here (an arrow's text edited, a handle dragged): back to theirs. */
  function restore(m: Measurement, entry: Tracked): void {
    const theirs = fromStored(entry.tool, JSON.parse(entry.saved));
    if (!theirs) return;
    m.data.handles = theirs.handles;
    m.data.text = theirs.text;
    (m.data as { invalidated?: boolean }).invalidated = true;
    redraw(entry.imageId);
  }

  const onMeasurementEvent = (event: Event) => {
    const image = cornerstone.getImage(event.target as HTMLElement);
    if (!image) return;
    schedule(image.imageId, event.type === MEASUREMENT_MODIFIED ? SETTLE_MS : 0);
  };
  const onPointerDown = () => {
    pointerDown = true;
  };
  const onPointerUp = () => {
    pointerDown = false;
    // After cornerstone-tools has handled the mouseup that follows and finished its drag.
    for (const imageId of dirty) schedule(imageId, 50);
  };

  return {
    attach(element) {
      grid = element;
      for (const name of MEASUREMENT_EVENTS) element.addEventListener(name, onMeasurementEvent, true);
      window.addEventListener('pointerdown', onPointerDown, true);
      window.addEventListener('pointerup', onPointerUp, true);
      window.addEventListener('pointercancel', onPointerUp, true);
    },
    async load() {
      if (!canRead) return;
      status.dataset.annotations = 'loading';
      let lists: Annotation[][];
      try {
        lists = await Promise.all(studyUids.map((studyUid) => listAnnotations(studyUid)));
      } catch (error) {
        status.dataset.annotations = 'failed';
        showError(t('loadFailed', { message: describeError(error) }));
        return;
      }
      // The tools draw the marks: loaded now if the study has any (else after the first image, as usual).
      let tools: MeasurementTools | undefined;
      try {
        tools = lists.some((list) => list.length > 0) || fromArchive.size > 0 ? await loadMeasurementTools() : undefined;
      } catch (error) {
        status.dataset.annotations = 'failed';
        showError(t('loadFailed', { message: describeError(error) }));
        return;
      }
      for (const [id, shown] of fromArchive) {
        tools?.dropMeasurementFromImage(shown.imageId, shown.measurement);
        fromArchive.delete(id);
      }
      if (tools) studyUids.forEach((studyUid, i) => lists[i]!.forEach((annotation) => show(tools, studyUid, annotation)));
      redraw();
      status.dataset.annotations = 'loaded';
    },
    detach() {
      pointerDown = false;
      for (const imageId of [...dirty]) sync(imageId);
      for (const timer of timers.values()) window.clearTimeout(timer);
      timers.clear();
      for (const name of MEASUREMENT_EVENTS) grid?.removeEventListener(name, onMeasurementEvent, true);
      window.removeEventListener('pointerdown', onPointerDown, true);
      window.removeEventListener('pointerup', onPointerUp, true);
      window.removeEventListener('pointercancel', onPointerUp, true);
      grid = undefined;
    },
  };

  function show(tools: MeasurementTools, studyUid: string, annotation: Annotation): void {
    const tool = toolOfKind(annotation.kind);
    const data = tool && fromStored(tool, annotation.data);
    if (!tool || !data) return; // another client's kind of mark
    if (!annotation.mine) (data as MeasurementData & { color?: string }).color = FOREIGN_COLOR;
    const imageId = imageIdOf({
      studyUid,
      seriesUid: annotation.seriesInstanceUID,
      sopUid: annotation.sopInstanceUID,
      frame: annotation.frame,
    });
    const measurement: Measurement = { tool, data };
    tools.addMeasurementToImage(imageId, measurement);
    const entry: Tracked = {
      id: annotation.id,
      studyUid,
      imageId,
      tool,
      author: annotation.author.name,
      mine: annotation.mine,
      saved: JSON.stringify(toStored(measurement)),
      queue: Promise.resolve(),
    };
    tracked.set(data, entry);
    setOwner(data, entry);
    fromArchive.set(annotation.id, { imageId, measurement });
  }
}
