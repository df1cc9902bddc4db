import type { FrameShape, PreviewDecode } from './decoders';

export interface DecodeRequest {
  id: number;
  transferSyntax: string;
  encoded: Uint8Array;
  shape: FrameShape;
  /** HTJ2K only: a preview decoded this many decompositions below full size, then upscaled. */
  preview?: PreviewDecode;
}

/** Compiles a syntax's decoder ahead of its first frame; no answer. */
export interface PrepareRequest {
  prepare: string;
}

export type DecodeResponse = { id: number; pixels: Uint8Array; error?: undefined } | { id: number; error: string; pixels?: undefined };
