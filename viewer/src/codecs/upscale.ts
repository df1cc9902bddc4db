/**
 * A preview decoded at a lower resolution, brought back to the frame's full Rows × Columns by
 * bilinear interpolation, so that it has the geometry, pixel spacing and measurement coordinates
 * of the final image. Samples are little-endian, one per pixel; interpolated values stay within
 * their neighbours' range, so no clamping is needed.
 */
export function upscaleSamples(
  small: Uint8Array,
  from: { width: number; height: number },
  to: { width: number; height: number },
  bitsAllocated: number,
  signed: boolean,
): Uint8Array {
  const buffer = small.byteOffset % 2 === 0 ? small : small.slice();
  const source =
    bitsAllocated === 8
      ? signed
        ? new Int8Array(buffer.buffer, buffer.byteOffset, from.width * from.height)
        : new Uint8Array(buffer.buffer, buffer.byteOffset, from.width * from.height)
      : signed
        ? new Int16Array(buffer.buffer, buffer.byteOffset, from.width * from.height)
        : new Uint16Array(buffer.buffer, buffer.byteOffset, from.width * from.height);
  const Target = source.constructor as new (length: number) => typeof source;
  const out = new Target(to.width * to.height);
  const sx = from.width / to.width;
  const sy = from.height / to.height;
  for (let y = 0; y < to.height; y++) {
    // Pixel centres: output pixel y covers source (y + 0.5) * sy - 0.5.
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), from.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, from.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < to.width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), from.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, from.width - 1);
      const wx = fx - x0;
      const top = source[y0 * from.width + x0]! * (1 - wx) + source[y0 * from.width + x1]! * wx;
      const bottom = source[y1 * from.width + x0]! * (1 - wx) + source[y1 * from.width + x1]! * wx;
      out[y * to.width + x] = Math.round(top * (1 - wy) + bottom * wy);
    }
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
