import type { PixelDataLocation } from '../ingest/part10-types';

/**
 * The `bulk` column of an instance row (JSON text), as ingest writes it (store-instance.ts):
 * where each bulk value and the pixel data lie in the stored object, so that Retrieve Frames and
 * Retrieve Bulkdata (PS3.18 10.4.1.1.4, 10.4.1.1.5) read byte ranges instead of parsing it again.
 */
export interface StoredBulk {
  items: Array<{ path: string; vr: string; offset: number; length: number }>;
  pixelData?: PixelDataLocation;
  /** Offsets are in the inflated data set (Deflated Explicit VR Little Endian). */
  deflated: boolean;
}
