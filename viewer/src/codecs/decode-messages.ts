import type { FrameShape } from './decoders';

export interface DecodeRequest {
  id: number;
  transferSyntax: string;
  encoded: Uint8Array;
  shape: FrameShape;
}

export type DecodeResponse = { id: number; pixels: Uint8Array; error?: undefined } | { id: number; error: string; pixels?: undefined };
