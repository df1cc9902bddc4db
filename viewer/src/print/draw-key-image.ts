/**
 * One film cell: the frame rendered by the archive (PS3.18 rendered resource, with the key
 * image's window), inverted here when it was viewed inverted, turned and flipped as it was viewed,
 * fitted to the canvas, with its measurements drawn on top in the same image → canvas transform.
 */
import { renderedFrameUrl } from '../dicomweb/resource-urls';
import type { KeyImage, KeyMeasurement, Point } from '../key-images/key-images';

export const MEASUREMENT_COLOUR = '#ffd400';

const images = new Map<string, Promise<HTMLImageElement>>();

/** The rendered PNG of the key image's frame with its window, if it has one (cached for re-layouts). */
export function loadRendered(key: KeyImage): Promise<HTMLImageElement> {
  const base = renderedFrameUrl(key.studyUid, key.seriesUid, key.sopUid, key.frame);
  const windowed =
    key.windowCenter === undefined || key.windowWidth === undefined
      ? base
      : `${base}&window=${round(key.windowCenter)},${round(Math.max(1, key.windowWidth))}`;
  let loading = images.get(windowed);
  if (!loading) {
    // A colour image may refuse a window: the archive's own rendering then.
    loading = decode(windowed).catch(() => decode(base));
    loading.catch(() => images.delete(windowed));
    images.set(windowed, loading);
  }
  return loading;
}

const round = (value: number) => Math.round(value * 100) / 100;

async function decode(url: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = url;
  await img.decode();
  return img;
}

export function drawKeyImage(canvas: HTMLCanvasElement, key: KeyImage, img: HTMLImageElement): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const m = imageToCanvas(key, canvas.width, canvas.height);
  ctx.setTransform(m);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(key.invert ? inverted(img) : img, 0, 0, key.columns, key.rows);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  for (const measurement of key.measurements) drawMeasurement(ctx, measurement, m, canvas);
}

/** cornerstone's order: centre, rotate, scale, flip, then the image's own centre at the origin. */
export function imageToCanvas(key: KeyImage, width: number, height: number): DOMMatrix {
  const quarter = Math.round(key.rotation / 90) % 2 !== 0;
  const [w, h] = quarter ? [key.rows, key.columns] : [key.columns, key.rows];
  const scale = Math.min(width / w, height / h);
  return new DOMMatrix()
    .translate(width / 2, height / 2)
    .rotate(key.rotation)
    .scale(scale * (key.hflip ? -1 : 1), scale * (key.vflip ? -1 : 1))
    .translate(-key.columns / 2, -key.rows / 2);
}

function inverted(img: HTMLImageElement): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const px = data.data;
  for (let i = 0; i < px.length; i += 4) {
    px[i] = 255 - px[i]!;
    px[i + 1] = 255 - px[i + 1]!;
    px[i + 2] = 255 - px[i + 2]!;
  }
  ctx.putImageData(data, 0, 0);
  return canvas;
}

function drawMeasurement(ctx: CanvasRenderingContext2D, measurement: KeyMeasurement, m: DOMMatrix, canvas: HTMLCanvasElement): void {
  const h = measurement.handles;
  const at = (p: Point) => m.transformPoint(new DOMPoint(p.x, p.y));
  const size = Math.min(canvas.width, canvas.height);
  ctx.strokeStyle = MEASUREMENT_COLOUR;
  ctx.fillStyle = MEASUREMENT_COLOUR;
  ctx.lineWidth = Math.max(2, size / 250);
  ctx.lineJoin = 'round';
  ctx.beginPath();
  let anchor: Point | undefined;
  if ((measurement.tool === 'RectangleRoi' || measurement.tool === 'EllipticalRoi') && h.start && h.end) {
    const [x0, x1] = [Math.min(h.start.x, h.end.x), Math.max(h.start.x, h.end.x)];
    const [y0, y1] = [Math.min(h.start.y, h.end.y), Math.max(h.start.y, h.end.y)];
    // The path is built in image coordinates and stroked in canvas ones, so the line keeps its width.
    ctx.setTransform(m);
    if (measurement.tool === 'RectangleRoi') ctx.rect(x0, y0, x1 - x0, y1 - y0);
    else ctx.ellipse((x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2, 0, 0, 2 * Math.PI);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.stroke();
    anchor = at(h.end);
  } else if (measurement.tool === 'Probe' && h.end) {
    const p = at(h.end);
    ctx.arc(p.x, p.y, ctx.lineWidth * 2, 0, 2 * Math.PI);
    ctx.fill();
    anchor = p;
  } else {
    // Length and arrows (start–end), Angle (start–middle–end), Cobb angle (start–end, start2–end2),
    // and any other tool: a polyline through its points.
    const order = ['start', 'middle', 'end', 'start2', 'end2'];
    const runs =
      h.start2 && h.end2
        ? [
            ['start', 'end'],
            ['start2', 'end2'],
          ]
        : [Object.keys(h).sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99))];
    for (const run of runs) {
      run
        .map((name) => h[name])
        .filter((p): p is Point => p !== undefined)
        .map(at)
        .forEach((p, i) => (i === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y)));
    }
    ctx.stroke();
    const last = runs[0]?.[runs[0].length - 1];
    anchor = h.middle ? at(h.middle) : last && h[last] ? at(h[last]) : undefined;
  }
  if (anchor) drawLabel(ctx, measurement.text, anchor, size, canvas);
}

function drawLabel(ctx: CanvasRenderingContext2D, lines: string[], anchor: Point, size: number, canvas: HTMLCanvasElement): void {
  if (lines.length === 0) return;
  const fontSize = Math.round(Math.max(12, size / 28));
  ctx.font = `${fontSize}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  const width = Math.max(...lines.map((line) => ctx.measureText(line).width));
  const height = lines.length * fontSize * 1.2;
  const x = Math.max(2, Math.min(anchor.x + fontSize / 2, canvas.width - width - 2));
  const y = Math.max(2, Math.min(anchor.y + fontSize / 2, canvas.height - height - 2));
  ctx.lineWidth = Math.max(2, fontSize / 5);
  ctx.strokeStyle = '#000';
  ctx.fillStyle = MEASUREMENT_COLOUR;
  lines.forEach((line, i) => {
    ctx.strokeText(line, x, y + i * fontSize * 1.2);
    ctx.fillText(line, x, y + i * fontSize * 1.2);
  });
}
