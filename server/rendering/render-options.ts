import { AppError } from '../../shared/errors';

/**
 * The rendering query parameters of PS3.18 8.3.5.1 (Table 8.3.5-1) that we apply: `window`,
 * `viewport` and `quality`. Unknown parameters are ignored (8.3.5.1: not every parameter has to
 * be supported); a parameter we support but cannot read is a 400 that says why.
 */

/** VOI LUT Function (PS3.3 C.11.2.1.3): how a window maps values to output. */
export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

export interface WindowSetting {
  center: number;
  width: number;
  function: VoiFunction;
}

/** Source image region in pixels; a negative width or height flips the image on that axis. */
export interface SourceRegion {
  x: number;
  y: number;
  width: number | undefined;
  height: number | undefined;
}

export interface Viewport {
  width: number;
  height: number;
  region?: SourceRegion;
}

export interface RenderOptions {
  window?: WindowSetting;
  viewport?: Viewport;
  /** 1–100; JPEG only (PNG is lossless, GIF is palette based). */
  quality?: number;
}

/** Largest viewport side we render: bigger ones would only burn memory. */
export const MAX_VIEWPORT_SIDE = 8192;

const FUNCTIONS: Readonly<Record<string, VoiFunction>> = {
  linear: 'LINEAR',
  'linear-exact': 'LINEAR_EXACT',
  linear_exact: 'LINEAR_EXACT',
  sigmoid: 'SIGMOID',
};

type Query = Record<string, unknown>;

/**
 * Reads the rendering parameters of a request. Thumbnails (PS3.18 8.3.5.2) take `viewport=vw,vh`
 * only; the other rendering parameters are refused there so a client learns they had no effect.
 */
export function parseRenderOptions(query: Query, target: 'rendered' | 'thumbnail'): RenderOptions {
  const options: RenderOptions = {};
  const viewport = single(query, 'viewport');
  if (viewport !== undefined) options.viewport = parseViewport(viewport, target === 'thumbnail');
  if (target === 'thumbnail') {
    for (const name of ['window', 'quality']) {
      if (query[name] !== undefined) throw invalid(`${name} does not apply to thumbnails; only viewport=vw,vh does (PS3.18 8.3.5.2).`);
    }
    return options;
  }
  const window = single(query, 'window');
  if (window !== undefined) options.window = parseWindow(window);
  const quality = single(query, 'quality');
  if (quality !== undefined) {
    if (!/^[0-9]{1,3}$/.test(quality) || Number(quality) < 1 || Number(quality) > 100) {
      throw invalid('quality is an integer from 1 to 100 (PS3.18 8.3.5.1.2).');
    }
    options.quality = Number(quality);
  }
  return options;
}

/** The value of a parameter given at most once. */
export function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} is given more than once.`);
  return value;
}

/** `window=center,width[,function]` (PS3.18 8.3.5.1.5; functions of PS3.3 C.11.2.1.3). */
export function parseWindow(text: string): WindowSetting {
  const parts = text.split(',').map((p) => p.trim());
  const [center, width, fn] = parts;
  if (parts.length < 2 || parts.length > 3 || !isDecimal(center) || !isDecimal(width)) {
    throw invalid('window is center,width[,function] with decimal center and width, e.g. window=40,400 or window=40,400,linear.');
  }
  const fun = fn === undefined ? 'LINEAR' : FUNCTIONS[fn.toLowerCase()];
  if (!fun) throw invalid('The window function is linear, linear-exact or sigmoid (PS3.3 C.11.2.1.3).');
  const w = Number(width);
  // C.11.2.1.2.1: Window Width >= 1 for LINEAR, > 0 otherwise.
  if (fun === 'LINEAR' ? w < 1 : w <= 0)
    throw invalid(`The window width must be ${fun === 'LINEAR' ? 'at least 1' : 'greater than 0'} for ${fun}.`);
  return { center: Number(center), width: w, function: fun };
}

/** `viewport=vw,vh[,sx,sy,sw,sh]` (PS3.18 8.3.5.1.3); empty source values take their defaults. */
export function parseViewport(text: string, sizeOnly: boolean): Viewport {
  const parts = text.split(',').map((p) => p.trim());
  const [vw, vh, sx, sy, sw, sh] = parts;
  if (parts.length !== 2 && (sizeOnly || parts.length !== 6)) {
    throw invalid(sizeOnly ? 'viewport is vw,vh here.' : 'viewport is vw,vh or vw,vh,sx,sy,sw,sh.');
  }
  const side = (v: string | undefined) => (v !== undefined && /^[0-9]{1,5}$/.test(v) ? Number(v) : NaN);
  const width = side(vw);
  const height = side(vh);
  if (!(width >= 1 && height >= 1 && width <= MAX_VIEWPORT_SIDE && height <= MAX_VIEWPORT_SIDE)) {
    throw invalid(`The viewport width and height are integers from 1 to ${MAX_VIEWPORT_SIDE}.`);
  }
  if (parts.length === 2) return { width, height };
  const optional = (v: string | undefined, signed: boolean) => {
    if (v === undefined || v === '') return undefined;
    if (!(signed ? /^-?[0-9]{1,6}$/ : /^[0-9]{1,6}$/).test(v)) return NaN;
    return Number(v);
  };
  const region = { x: optional(sx, false) ?? 0, y: optional(sy, false) ?? 0, width: optional(sw, true), height: optional(sh, true) };
  if (
    [region.x, region.y, region.width ?? 1, region.height ?? 1].some((n) => Number.isNaN(n)) ||
    region.width === 0 ||
    region.height === 0
  ) {
    throw invalid('The source region sx,sy are non-negative integers and sw,sh non-zero integers (negative flips the image).');
  }
  return { width, height, region };
}

function isDecimal(text: string | undefined): text is string {
  return text !== undefined && /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text);
}

function invalid(message: string): AppError {
  return new AppError('INVALID_QUERY', message);
}
