/**
 * A `*` / `?` pattern (PS3.4 C.2.2.2.4 wildcards, as QIDO-RS takes them) as a test of a whole
 * value, case-insensitive, DICOM padding ignored. Two pointers with one backtrack point (the last
 * `*`), so a pattern of many stars costs O(pattern × value), never a regular expression's
 * exponential backtracking.
 */
export function wildcardMatcher(pattern: string): (value: string) => boolean {
  const p = [...pattern.trim().toLowerCase()];
  return (raw) => {
    const v = [...raw.trim().toLowerCase()];
    let i = 0;
    let j = 0;
    let star = -1;
    let resume = 0;
    while (j < v.length) {
      if (i < p.length && (p[i] === '?' || p[i] === v[j])) {
        i++;
        j++;
      } else if (i < p.length && p[i] === '*') {
        star = i++;
        resume = j;
      } else if (star >= 0) {
        i = star + 1;
        j = ++resume;
      } else return false;
    }
    while (i < p.length && p[i] === '*') i++;
    return i === p.length;
  };
}
