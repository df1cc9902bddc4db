/**
 * Attribute keywords (PS3.6) for the tag browser, from dcmjs's copy of the data dictionary. dcmjs is
 * one ~700 kB bundle, so it is imported only when the tag browser first opens (its own chunk),
 * never with the viewer.
 */
export type KeywordOf = (tag: string) => string;

let loading: Promise<KeywordOf> | undefined;

/** `keywordOf(Tag.PatientName)` → "PatientName"; '' for a private or unknown tag. */
export function loadKeywords(): Promise<KeywordOf> {
  loading ??= import('dcmjs').then(({ data }) => {
    const dictionary = data.DicomMetaDictionary.dictionary;
    return (tag: string) => {
      const entry = dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`];
      return entry?.name.replace(/^RETIRED_/, '') ?? '';
    };
  });
  return loading;
}
