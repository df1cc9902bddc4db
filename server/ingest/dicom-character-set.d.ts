// The package ships no type declarations; this covers the part the ingest uses.
declare module 'dicom-character-set' {
  /** Decodes DICOM text bytes for a Specific Character Set (0008,0005) value, ISO 2022 code extensions included. Throws on unknown terms. */
  export function convertBytes(specificCharacterSet: string | undefined, bytes: Uint8Array, options?: { vr?: string }): string;
  /** The defined terms the decoder knows, e.g. "ISO_IR 100", "ISO 2022 IR 87", "GB18030". */
  export const characterSets: Record<string, unknown>;
}
