/**
 * Application Entity titles (PS3.5 6.2, VR AE): at most 16 characters of the Default Character
 * Repertoire (ISO 646: space to tilde) without the backslash, not all spaces. Leading and
 * trailing spaces are not significant, so a title is kept and compared trimmed.
 */
export const AE_TITLE_MAX_LENGTH = 16;

export type AeTitleCheck = { ok: true; aeTitle: string } | { ok: false; problem: string };

/** `raw` trimmed, or why it is not an AE title (a sentence completing "… is not an AE title: "). */
export function checkAeTitle(raw: string): AeTitleCheck {
  const aeTitle = raw.replace(/^ +| +$/g, '');
  if (aeTitle === '') return { ok: false, problem: 'it is empty or all spaces' };
  if (aeTitle.length > AE_TITLE_MAX_LENGTH) return { ok: false, problem: `it has more than ${AE_TITLE_MAX_LENGTH} characters` };
  if (aeTitle.includes('\\')) return { ok: false, problem: 'it holds a backslash' };
  if (!/^[\x20-\x7e]+$/.test(aeTitle)) return { ok: false, problem: 'it holds a control character or a character outside ASCII' };
  return { ok: true, aeTitle };
}
