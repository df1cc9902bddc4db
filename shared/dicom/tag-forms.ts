/**
 * The other spellings of a tag of the `Tag` table, derived from its DICOM JSON key (8 upper-case
 * hex digits, PS3.18 F.2.1.1), so no module writes a tag in hex again.
 */

/** 0x7fe00010 for "7FE00010" (Tag.PixelData): group in the high 16 bits, as binary parsers read tags. */
export function tagNumber(tag: string): number {
  return Number.parseInt(tag, 16);
}

/** "x7fe00010" for "7FE00010" (Tag.PixelData): dicom-parser's key of an element. */
export function dicomParserKey(tag: string): string {
  return `x${tag.toLowerCase()}`;
}
