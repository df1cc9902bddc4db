/**
 * DICOM UID syntax (PS3.5 9.1): at most 64 characters, dot-separated components of digits,
 * no leading zero in a multi-digit component, no empty component.
 * Everything that reaches a path, an object key or SQL as an identifier passes through here first.
 */
const UID_PATTERN = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

export function isValidUid(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 64 && UID_PATTERN.test(value);
}
