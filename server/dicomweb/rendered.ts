import type { Request, Response } from 'express';
import type { DicomJson, DicomJsonElement } from '../../shared/dicom/dicom-json';
import { framesPath } from '../../shared/dicomweb/paths';
import { AppError, isAppError } from '../../shared/errors';
import type { IndexedInstance } from '../index/archive-index';
import { MultipartWriter } from '../http/multipart-writer';
import { answeredNotModified, cacheControlFor, cacheEntry, setCacheHeaders, type CacheEntry, type Freshness } from '../http/cache-policy';
import { BULK_BASE_MARKER } from '../ingest/bulk-data-uri';
import { renderImage, type FrameToRender } from '../rendering/render-image';
import { parseRenderOptions, single, type RenderOptions } from '../rendering/render-options';
import { DEFAULT_RENDERED_TYPE, negotiateRenderedType, type RenderedType } from '../rendering/rendered-media-type';
import { renderingAttributes } from '../rendering/rendering-attributes';
import { collect } from '../stored/byte-streams';
import { checkFrameNumbers, parseFrameList } from '../stored/frame-locator';
import { locate, type StoredInstance } from '../stored/stored-instance';
import { nativeFrameOf, storedFrames, storedImage, type StoredImage } from '../stored/native-frame';
import { resourceScope } from './resource-scope';
import { openValueRange, storedValue } from '../stored/stored-value';
import type { WadoDeps } from './wado-deps';
import { findInstancesInScope, presentedPath } from './share-scope';

/**
 * Retrieve Rendered and Thumbnail (WADO-RS, PS3.18 10.4.1.1.3 / 10.4.1.1.4, parameters 8.3.5):
 * images rendered through the grayscale or colour pipeline of `server/rendering`, as image/jpeg
 * (default), image/png or image/gif.
 *
 * - Instance: one image (a multi-frame instance: its first frame, or every frame as an animated
 *   image/gif). Frames: one frame is one image, several are multipart/related, one part each.
 * - Study / series: multipart/related, one rendered image per image instance, in index order.
 * - Thumbnail (10.4.3.3.4: one image, no patient data): the instance's middle frame, the
 *   series' middle image instance, the study's first series that has images; fits in
 *   128×128 unless `viewport=vw,vh` says otherwise.
 * Instances without Pixel Data have no rendered image representation: 406.
 */

/** Default thumbnail box (pixels): a series browser's tile. */
export const THUMBNAIL_SIZE = 128;

export interface RenderInstanceOptions extends RenderOptions {
  type?: RenderedType;
  /** Fit into this square without enlarging when no viewport is given (thumbnails). */
  fitWithin?: number;
  /** Render these frames as the pages of one animated image (image/gif only). */
  allFrames?: boolean;
}

export interface RenderedBody {
  body: Buffer;
  contentType: string;
}

/**
 * Renders one frame (1-based) of a located instance: the one function other handlers
 * (WADO-URI) call. Throws 406 for instances without pixel data, 404 for a frame past the end.
 */
export async function renderInstance(
  deps: WadoDeps,
  located: StoredInstance,
  frameNumber: number,
  options: RenderInstanceOptions = {},
): Promise<RenderedBody> {
  const type = options.type ?? DEFAULT_RENDERED_TYPE;
  const source = await InstanceSource.open(deps, located);
  checkFrameNumbers([frameNumber], source.numberOfFrames);
  const numbers =
    options.allFrames && type === 'image/gif' ? Array.from({ length: source.numberOfFrames }, (_, i) => i + 1) : [frameNumber];
  const { quality, viewport, fitWithin } = options;
  const body = await renderImage(source.frames(numbers), { type, quality, viewport, fitWithin }, options.window);
  return { body, contentType: type };
}

type Level = 'study' | 'series' | 'instance' | 'frames';

/** GET …/rendered at every level. */
export function retrieveRendered(deps: WadoDeps, level: Level) {
  return async (req: Request, res: Response): Promise<void> => {
    const options = parseRenderOptions(req.query as Record<string, unknown>, 'rendered');
    const type = negotiateRenderedType(req.headers.accept, single(req.query as Record<string, unknown>, 'accept'));
    const scope = resourceScope(req);
    const base = deps.dicomWebBase();
    if (level === 'study' || level === 'series') {
      const instances = findInstancesInScope(deps.index, res, scope.study, scope.series);
      if (instances.length === 0) throw new AppError('NOT_FOUND', `No such ${level}.`);
      const images = instances.map((i) => locateRow(deps, i)).filter(hasPixels);
      if (images.length === 0) throw notAnImage(`This ${level} has no image instances`);
      const parts = images.map((located) => ({
        location: `${base}/${presentedPath(res, located.path)}/rendered`,
        render: () => renderInstance(deps, located, 1, { ...options, type }),
      }));
      return sendRenderedParts(deps, res, type, parts, true);
    }
    const located = locate(deps.index, scope.study, scope.series!, scope.instance!);
    if (level === 'instance') {
      const cache = renderedCacheEntry(located, 'rendered', [1], type, options, 'revalidate');
      if (answeredNotModified(req, res, cache)) return;
      return sendRendered(res, cache, await renderInstance(deps, located, 1, { ...options, type, allFrames: true }));
    }
    const numbers = parseFrameList(req.params.frames as string);
    checkFrameNumbers(numbers, Math.max(1, located.instance.numberOfFrames ?? 1));
    if (numbers.length === 1) {
      const cache = renderedCacheEntry(located, 'rendered', numbers, type, options, 'revalidate');
      if (answeredNotModified(req, res, cache)) return;
      return sendRendered(res, cache, await renderInstance(deps, located, numbers[0]!, { ...options, type }));
    }
    const parts = numbers.map((n) => ({
      location: `${base}/${framesPath(presentedPath(res, located.path), [n])}/rendered`,
      render: () => renderInstance(deps, located, n, { ...options, type }),
    }));
    return sendRenderedParts(deps, res, type, parts, false);
  };
}

/** GET …/thumbnail at every level: one small image of a representative frame. */
export function retrieveThumbnail(deps: WadoDeps, level: Level) {
  return async (req: Request, res: Response): Promise<void> => {
    const options = parseRenderOptions(req.query as Record<string, unknown>, 'thumbnail');
    const type = negotiateRenderedType(req.headers.accept, single(req.query as Record<string, unknown>, 'accept'));
    const scope = resourceScope(req);
    let located: StoredInstance;
    let frame: number;
    if (level === 'study' || level === 'series') {
      located = representativeInstance(deps, findInstancesInScope(deps.index, res, scope.study, scope.series), level);
      frame = middleFrame(located);
    } else {
      located = locate(deps.index, scope.study, scope.series!, scope.instance!);
      if (!hasPixels(located)) throw notAnImage('This instance has no Pixel Data');
      if (level === 'frames') {
        const numbers = parseFrameList(req.params.frames as string);
        checkFrameNumbers(numbers, Math.max(1, located.instance.numberOfFrames ?? 1));
        frame = numbers[0]!;
      } else {
        frame = middleFrame(located);
      }
    }
    // Thumbnails fill browsers of many tiles: let the browser reuse them for a while.
    const cache = renderedCacheEntry(located, 'thumbnail', [frame], type, options, { maxAge: 300 });
    if (answeredNotModified(req, res, cache)) return;
    return sendRendered(
      res,
      cache,
      await renderInstance(deps, located, frame, { ...options, type, fitWithin: THUMBNAIL_SIZE, quality: 80 }),
    );
  };
}

/** The series' middle image instance, or for a study the first series (index order) with images. */
function representativeInstance(deps: WadoDeps, instances: IndexedInstance[], level: 'study' | 'series'): StoredInstance {
  if (instances.length === 0) throw new AppError('NOT_FOUND', `No such ${level}.`);
  const bySeries = new Map<string, IndexedInstance[]>();
  for (const instance of instances) {
    const members = bySeries.get(instance.seriesUid);
    if (members) members.push(instance);
    else bySeries.set(instance.seriesUid, [instance]);
  }
  for (const members of bySeries.values()) {
    const images = members.map((i) => locateRow(deps, i)).filter(hasPixels);
    const middle = images[Math.floor((images.length - 1) / 2)];
    if (middle) return middle;
  }
  throw notAnImage(`This ${level} has no image instances`);
}

function middleFrame(located: StoredInstance): number {
  return Math.ceil(Math.max(1, located.instance.numberOfFrames ?? 1) / 2);
}

function locateRow(deps: WadoDeps, instance: IndexedInstance): StoredInstance {
  return locate(deps.index, instance.studyUid, instance.seriesUid, instance.sopUid);
}

function hasPixels(located: StoredInstance): boolean {
  const pixel = located.bulk.pixelData;
  return pixel !== undefined && pixel.length > 0 && (located.instance.rows ?? 0) > 0 && (located.instance.columns ?? 0) > 0;
}

function notAnImage(what: string): AppError {
  return new AppError(
    'NOT_ACCEPTABLE',
    `${what}: it has no rendered image representation (PS3.18 8.7.4); retrieve it as application/dicom or its metadata instead.`,
  );
}

/**
 * One instance's header and frames: the header is parsed and the frames located once for all
 * the frames rendered from it (an animated GIF of a 520-frame MR would otherwise re-read both per frame).
 */
class InstanceSource {
  private constructor(
    private readonly deps: WadoDeps,
    private readonly located: StoredInstance,
    private readonly dataset: DicomJson,
    private readonly image: StoredImage,
    readonly numberOfFrames: number,
  ) {}

  static async open(deps: WadoDeps, located: StoredInstance): Promise<InstanceSource> {
    if (!hasPixels(located)) throw notAnImage('This instance has no Pixel Data');
    // The whole header: rendering reads modality, VOI and palette attributes from it (rendering-attributes.ts).
    const json = deps.index.metadataJson(located.studyUid, located.seriesUid, located.sopUid)[0];
    if (json === undefined) throw new AppError('NOT_FOUND', 'No such instance in this study and series.');
    const image = storedImage(located);
    return new InstanceSource(deps, located, JSON.parse(json) as DicomJson, image, image.numberOfFrames);
  }

  /** Native pixels and rendering attributes of the listed frames (1-based), decoded one at a time as the renderer asks. */
  async *frames(numbers: readonly number[]): AsyncGenerator<FrameToRender> {
    checkFrameNumbers(numbers, this.numberOfFrames);
    const stored = await storedFrames(this.deps, this.located, this.image, numbers);
    for (const [i, n] of numbers.entries()) {
      const pixels = await nativeFrameOf(this.image, await collect(await stored[i]!.open()));
      yield { pixels, attributes: await renderingAttributes(this.dataset, n, (element) => this.readBinary(element)) };
    }
  }

  /** A binary value of the header (LUT data): inline, or read from storage by its BulkDataURI. */
  private async readBinary(element: DicomJsonElement): Promise<Uint8Array> {
    if (element.InlineBinary !== undefined) return Buffer.from(element.InlineBinary, 'base64');
    const uri = element.BulkDataURI ?? '';
    const path = uri.startsWith(BULK_BASE_MARKER) ? uri.slice(uri.indexOf('/bulkdata/') + '/bulkdata/'.length) : undefined;
    const item = path === undefined ? undefined : this.located.bulk.items.find((i) => i.path === path);
    if (!item) return new Uint8Array(0);
    return collect(await openValueRange(this.deps.blobStore, storedValue(this.located, item), 0, item.length));
  }
}

/**
 * A weak validator: the stored object (its key is unique per stored copy), frames, type and
 * parameters fix what the image shows, not its bytes (the encoder makes those).
 */
function renderedCacheEntry(
  located: StoredInstance,
  kind: string,
  frames: number[],
  type: RenderedType,
  options: RenderOptions,
  freshness: Freshness,
): CacheEntry {
  return cacheEntry([located.instance.blobKey, kind, frames, type, options], freshness, 'weak');
}

function sendRendered(res: Response, cache: CacheEntry, rendered: RenderedBody): void {
  setCacheHeaders(res, cache);
  res.status(200).setHeader('Content-Type', rendered.contentType);
  res.setHeader('Content-Length', String(rendered.body.length));
  res.end(rendered.body);
}

interface RenderedPart {
  location: string;
  render: () => Promise<RenderedBody>;
}

/**
 * multipart/related; type="image/…" (PS3.18 8.6.1.2), rendering one part at a time. The first
 * part is rendered before the status goes out, so its failure is a clean error. With
 * `skipUnrenderable` (study, series) an instance that cannot be rendered (4xx) is left out.
 */
async function sendRenderedParts(
  deps: WadoDeps,
  res: Response,
  type: RenderedType,
  parts: readonly RenderedPart[],
  skipUnrenderable: boolean,
): Promise<void> {
  const attempt = async (part: RenderedPart): Promise<RenderedBody | undefined> => {
    try {
      return await part.render();
    } catch (error) {
      if (skipUnrenderable && isAppError(error) && error.status < 500) return undefined;
      throw error;
    }
  };
  let index = 0;
  let first: RenderedBody | undefined;
  for (; index < parts.length && !first; index++) first = await attempt(parts[index]!);
  if (!first) throw notAnImage('None of these instances could be rendered');
  const writer = new MultipartWriter(res);
  res.status(200);
  res.setHeader('Content-Type', writer.contentType(type));
  res.setHeader('Cache-Control', cacheControlFor(res, 'revalidate'));
  res.append('Vary', 'Accept');
  try {
    await writer.writePart(partHeaders(first, parts[index - 1]!.location), first.body);
    for (; index < parts.length; index++) {
      const rendered = await attempt(parts[index]!);
      if (rendered) await writer.writePart(partHeaders(rendered, parts[index]!.location), rendered.body);
    }
    await writer.end();
  } catch (error) {
    // Headers are gone: the only honest signal left is an aborted transfer.
    if (!res.destroyed) deps.log('rendered retrieval aborted while streaming', error);
    res.destroy(error instanceof Error ? error : undefined);
  }
}

function partHeaders(rendered: RenderedBody, location: string): Record<string, string> {
  return { 'Content-Type': rendered.contentType, 'Content-Length': String(rendered.body.length), 'Content-Location': location };
}
