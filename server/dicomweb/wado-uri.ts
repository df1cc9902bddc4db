import type { Request, Response } from 'express';
import { requireAction } from '../auth/principal';
import { anonymizedInstance } from '../sharing/anonymized-instance';
import { shareViewOf } from '../sharing/share-view';
import { isValidUid } from '../../shared/dicom/uid';
import { EXPLICIT_VR_LITTLE_ENDIAN, transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { DICOM, parseAccept } from '../../shared/dicomweb/media-types';
import { AppError } from '../../shared/errors';
import type { InstanceBulk, IndexedInstance } from '../index/archive-index';
import { MAX_VIEWPORT_SIDE, type RenderOptions, type Viewport } from '../rendering/render-options';
import { isRenderedType, type RenderedType } from '../rendering/rendered-media-type';
import { findStored, indexedInstance } from '../stored/stored-instance';
import { renderInstance } from './rendered';
import { sendBody } from './send-parts';
import { planExplicitLittleEndian, transcodeToExplicitLittleEndian } from '../stored/transcoded-instance';
import type { WadoDeps } from './wado-deps';
import { cacheControlFor } from '../http/cache-policy';

/**
 * WADO-URI (PS3.18 chapter 9): `GET /wado?requestType=WADO&studyUID=…&seriesUID=…&objectUID=…`
 * for legacy viewers and integrations. Retrieve DICOM Instance (9.4) streams the stored Part 10
 * file; Retrieve Rendered Instance (9.5) renders one frame through the /rendered pipeline.
 */

/** Rendering asked for by the query (PS3.18 9.5.1.2); absent fields take the renderer's defaults. */
export interface UriRenderOptions {
  /** 1-based. */
  frameNumber?: number;
  rows?: number;
  columns?: number;
  /** Normalised [xMin, yMin, xMax, yMax] of the image matrix. */
  region?: [number, number, number, number];
  window?: { center: number; width: number };
  /** 1..100, for lossy media types. */
  imageQuality?: number;
}

export type WadoUriDeps = WadoDeps;

/** The parameters only Retrieve Rendered Instance takes (PS3.18 Table 9.5.1-1). */
const RENDERING_PARAMS = ['frameNumber', 'rows', 'columns', 'region', 'windowCenter', 'windowWidth', 'imageQuality'] as const;
/** Defined by PS3.18 9.4.1.2 / 9.5.1.2 but not implemented here: refused rather than silently ignored. */
const UNSUPPORTED_PARAMS: Record<string, string> = {
  annotation: 'burned-in annotation (annotation) is not supported',
  imageAnnotation: 'burned-in annotation (imageAnnotation) is not supported',
  presentationUID: 'rendering through a Presentation State (presentationUID) is not supported',
  presentationSeriesUID: 'rendering through a Presentation State (presentationSeriesUID) is not supported',
};

/** A validated WADO-URI request. */
export interface WadoUriRequest {
  study: string;
  series: string;
  object: string;
  /** Media types the client accepts that we can produce, best first; `*` is "the default for the object". */
  acceptable: Array<typeof DICOM | RenderedType | '*'>;
  transferSyntax: string | undefined;
  /** Names of the rendering parameters present. */
  renderingParams: string[];
  render: UriRenderOptions;
}

/** Parses and validates the query (PS3.18 9.1.2, 9.4.1.2, 9.5.1.2); every mistake is a 400 naming the parameter. */
export function parseWadoUriQuery(params: URLSearchParams, acceptHeader: string | undefined): WadoUriRequest {
  const requestType = single(params, 'requestType');
  if (requestType === undefined) throw badRequest('requestType=WADO is required (PS3.18 9.1.2.1).');
  if (requestType !== 'WADO') throw badRequest('requestType must be WADO (PS3.18 9.1.2.1).');
  const uid = (name: string, label: string): string => {
    const value = single(params, name);
    if (value === undefined) throw badRequest(`${name} (the ${label}) is required (PS3.18 9.1.2.1).`);
    if (!isValidUid(value)) throw new AppError('INVALID_UID', `${name} is not a valid DICOM UID (PS3.5 9.1).`);
    return value;
  };
  const study = uid('studyUID', 'Study Instance UID');
  const series = uid('seriesUID', 'Series Instance UID');
  const object = uid('objectUID', 'SOP Instance UID');

  for (const [name, reason] of Object.entries(UNSUPPORTED_PARAMS)) {
    if (params.has(name)) throw badRequest(`${name}: ${reason} by this archive.`);
  }
  const anonymize = single(params, 'anonymize');
  if (anonymize !== undefined) {
    if (anonymize !== 'yes') throw badRequest('anonymize takes the value "yes" (PS3.18 9.4.1.2.1).');
    throw badRequest(
      'anonymize=yes is not supported by this archive: it cannot remove identifying information (PS3.15 Annex E), so it does not answer rather than send identified data.',
    );
  }

  const syntax = single(params, 'transferSyntax');
  if (syntax !== undefined && (!isValidUid(syntax) || transferSyntax(syntax) === undefined)) {
    throw badRequest('transferSyntax is not a Transfer Syntax UID known to this archive (PS3.18 9.4.2.4).');
  }
  const contentType = single(params, 'contentType');
  return {
    study,
    series,
    object,
    acceptable: acceptableTypes(contentType ?? acceptHeader, contentType !== undefined),
    transferSyntax: syntax,
    renderingParams: RENDERING_PARAMS.filter((name) => params.has(name)),
    render: renderOptions(params),
  };
}

/**
 * The media types we could send, in the client's order of preference: from `contentType` when
 * given (PS3.18 9.1.2.2.1), else from `Accept`. No list at all means `*` (PS3.18 9.3).
 */
function acceptableTypes(list: string | undefined, fromQuery: boolean): WadoUriRequest['acceptable'] {
  if (list === undefined || list.trim() === '') return ['*'];
  const out: WadoUriRequest['acceptable'] = [];
  for (const range of parseAccept(list)) {
    if (range.q <= 0) continue;
    if (range.type === DICOM || range.type === 'application/*') out.push(DICOM);
    else if (isRenderedType(range.type)) out.push(range.type);
    else if (range.type === 'image/*') out.push('image/jpeg');
    else if (range.type === '*/*') out.push('*');
  }
  if (out.length === 0) {
    const where = fromQuery ? 'contentType' : 'Accept';
    throw new AppError(
      'NOT_ACCEPTABLE',
      `${where} names no media type WADO-URI can return; it returns application/dicom, image/jpeg, image/png or image/gif.`,
    );
  }
  return out;
}

function renderOptions(params: URLSearchParams): UriRenderOptions {
  const options: UriRenderOptions = {};
  const frameNumber = positiveInteger(params, 'frameNumber');
  if (frameNumber !== undefined) options.frameNumber = frameNumber;
  const rows = positiveInteger(params, 'rows');
  if (rows !== undefined) options.rows = rows;
  const columns = positiveInteger(params, 'columns');
  if (columns !== undefined) options.columns = columns;
  const quality = positiveInteger(params, 'imageQuality');
  if (quality !== undefined) {
    if (quality > 100) throw badRequest('imageQuality is an integer from 1 to 100 (PS3.18 9.5.1.2.3).');
    options.imageQuality = quality;
  }
  const region = single(params, 'region');
  if (region !== undefined) {
    const values = region.split(',').map((v) => (/^\s*[0-9]*\.?[0-9]+\s*$/.test(v) ? Number(v) : NaN));
    const [x1, y1, x2, y2] = values;
    if (
      values.length !== 4 ||
      x1 === undefined ||
      y1 === undefined ||
      x2 === undefined ||
      y2 === undefined ||
      values.some((v) => Number.isNaN(v) || v > 1) ||
      x1 >= x2 ||
      y1 >= y2
    ) {
      throw badRequest('region is four decimals xMin,yMin,xMax,yMax from 0.0 to 1.0 with xMin < xMax and yMin < yMax (PS3.18 9.5.1.2.5).');
    }
    options.region = [x1, y1, x2, y2];
  }
  const center = decimal(params, 'windowCenter');
  const width = decimal(params, 'windowWidth');
  if ((center === undefined) !== (width === undefined)) throw badRequest('windowCenter and windowWidth go together (PS3.18 9.5.1.2.6).');
  if (center !== undefined && width !== undefined) {
    if (width < 1) throw badRequest('windowWidth must be at least 1 (PS3.18 9.5.1.2.6.2).');
    options.window = { center, width };
  }
  return options;
}

/**
 * The WADO-URI handler, mounted at `/wado` and `/dicom-web/wado`. Negotiate, then locate the
 * instance by its full UID path (a real SOP UID under the wrong study is 404), then stream.
 */
export function retrieveWadoUri(deps: WadoUriDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const query = parseWadoUriQuery(new URL(req.originalUrl, 'http://localhost').searchParams, req.headers.accept);
    // A share link reaches its own study only (server/sharing), by the UIDs it was shown.
    const view = shareViewOf(res);
    if (view)
      Object.assign(query, {
        study: view.original('study', query.study),
        series: view.original('series', query.series),
        object: view.original('instance', query.object),
      });
    const located = findStored(deps.index, query.study, query.series, query.object);
    if (!located) throw new AppError('NOT_FOUND', 'No such object in this study and series.');
    const { instance: bulk } = located;
    const mediaType = selectMediaType(query, bulk.rows !== null && bulk.columns !== null);
    if (mediaType === DICOM) {
      requireAction(res, 'download');
      return sendDicomFile(deps, req, res, query, indexedInstance(located));
    }
    if (query.transferSyntax !== undefined)
      throw badRequest(`transferSyntax applies to application/dicom only, not to ${mediaType} (PS3.18 9.4.1.2.3).`);
    const frameNumber = query.render.frameNumber ?? 1;
    const frames = Math.max(1, bulk.numberOfFrames ?? 1);
    // PS3.18 9.5.2: a frame number past the end is a 400 here (WADO-RS frames answer 404).
    if (frameNumber > frames)
      throw badRequest(`frameNumber ${frameNumber} is past the end: the object has ${frames} frame${frames === 1 ? '' : 's'}.`);
    const rendered = await renderInstance(deps, located, frameNumber, { ...renderOptionsFor(query.render, bulk), type: mediaType });
    res.status(200).type(rendered.contentType).setHeader('Content-Length', String(rendered.body.length));
    res.setHeader('Cache-Control', cacheControlFor(res, 'revalidate'));
    res.end(req.method === 'HEAD' ? undefined : rendered.body);
  };
}

/**
 * WADO-URI rendering parameters in the terms of the /rendered pipeline: `region` (normalised,
 * PS3.18 9.5.1.2.5) becomes a source region in pixels, `rows` / `columns` (9.5.1.2.4) the
 * viewport; one of them alone keeps the aspect ratio (the pipeline fits inside the viewport).
 */
function renderOptionsFor(uri: UriRenderOptions, image: InstanceBulk): RenderOptions {
  const options: RenderOptions = {};
  if (uri.window) options.window = { ...uri.window, function: 'LINEAR' };
  if (uri.imageQuality !== undefined) options.quality = uri.imageQuality;
  if ((uri.rows ?? 0) > MAX_VIEWPORT_SIDE || (uri.columns ?? 0) > MAX_VIEWPORT_SIDE) {
    throw badRequest(`rows and columns are at most ${MAX_VIEWPORT_SIDE}.`);
  }
  if (uri.rows === undefined && uri.columns === undefined && uri.region === undefined) return options;
  const rows = image.rows ?? 1;
  const columns = image.columns ?? 1;
  let viewport: Viewport = { width: uri.columns ?? MAX_VIEWPORT_SIDE, height: uri.rows ?? MAX_VIEWPORT_SIDE };
  if (uri.region) {
    const [xMin, yMin, xMax, yMax] = uri.region;
    const x = Math.min(columns - 1, Math.floor(xMin * columns));
    const y = Math.min(rows - 1, Math.floor(yMin * rows));
    const region = {
      x,
      y,
      width: Math.max(1, Math.min(columns, Math.ceil(xMax * columns)) - x),
      height: Math.max(1, Math.min(rows, Math.ceil(yMax * rows)) - y),
    };
    // Without rows or columns the region is returned at its own size.
    if (uri.rows === undefined && uri.columns === undefined) viewport = { width: region.width, height: region.height };
    viewport = { ...viewport, region };
  }
  options.viewport = viewport;
  return options;
}

/**
 * The Selected Media Type (PS3.18 8.7.8, 9.3): the client's first acceptable type we can produce.
 * `*` means image/jpeg for an image, the DICOM file for an object without pixel data.
 */
function selectMediaType(query: WadoUriRequest, isImage: boolean): typeof DICOM | RenderedType {
  for (const type of query.acceptable) {
    if (type === DICOM) return DICOM;
    if (type === '*') return isImage ? 'image/jpeg' : DICOM;
    if (isImage) return type;
  }
  throw new AppError(
    'NOT_ACCEPTABLE',
    'Only application/dicom can be returned here: this object has no pixel data to render. Ask for contentType=application/dicom.',
  );
}

async function sendDicomFile(
  deps: WadoUriDeps,
  req: Request,
  res: Response,
  query: WadoUriRequest,
  instance: IndexedInstance,
): Promise<void> {
  if (query.renderingParams.length > 0) {
    throw badRequest(`${query.renderingParams.join(', ')} apply only to rendered media types, not to application/dicom (PS3.18 9.5.1.2).`);
  }
  // PS3.18 9.4.2.4: without transferSyntax the default is Explicit VR Little Endian; the stored
  // syntax named gets the stored bytes; the archive re-encodes into no other syntax.
  const wanted = query.transferSyntax ?? EXPLICIT_VR_LITTLE_ENDIAN;
  const view = shareViewOf(res)?.anonymized ? shareViewOf(res) : undefined;
  const headers = (length: number) => {
    res.status(200);
    res.setHeader('Content-Type', DICOM);
    res.setHeader('Content-Length', String(length));
    res.setHeader('Content-Disposition', `attachment; filename="${view?.presented(instance.sopUid) ?? instance.sopUid}.dcm"`);
  };
  // An anonymized share receives the object de-identified (as stored when its pixels are compressed).
  if (view && wanted === instance.transferSyntax) {
    const { bytes } = await anonymizedInstance(deps, view, instance);
    headers(bytes.length);
    return void res.end(req.method === 'HEAD' ? undefined : bytes);
  }
  if (wanted === instance.transferSyntax) {
    const body = await deps.blobStore.get(instance.blobKey);
    headers(instance.size);
    if (req.method !== 'HEAD') return sendBody(res, body, deps.log);
    body.destroy();
    res.end();
    return;
  }
  if (wanted !== EXPLICIT_VR_LITTLE_ENDIAN) {
    throw new AppError(
      'NOT_ACCEPTABLE',
      `transferSyntax ${wanted} was asked for; this object is stored in ${instance.transferSyntax} and the archive produces only that or Explicit VR Little Endian (${EXPLICIT_VR_LITTLE_ENDIAN}).`,
    );
  }
  const file = await transcodeToExplicitLittleEndian(deps, planExplicitLittleEndian(deps, instance), view?.deidContext());
  headers(file.length);
  res.end(req.method === 'HEAD' ? undefined : file);
}

/** One value of a parameter; a repeated parameter is ambiguous and refused. */
function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw badRequest(`${name} is given more than once.`);
  return values[0];
}

function positiveInteger(params: URLSearchParams, name: string): number | undefined {
  const value = single(params, name);
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(value)) throw badRequest(`${name} must be a positive integer (PS3.18 9.5.1.2).`);
  return Number(value);
}

function decimal(params: URLSearchParams, name: string): number | undefined {
  const value = single(params, name);
  if (value === undefined) return undefined;
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(value))
    throw badRequest(`${name} must be a decimal number (PS3.18 9.5.1.2.6).`);
  return Number(value);
}

function badRequest(message: string): AppError {
  return new AppError('BAD_REQUEST', message);
}
