/** The parts of dcmjs this app uses (the package ships no type declarations). */
declare module 'dcmjs' {
  export interface DictionaryEntry {
    tag: string;
    vr: string;
    /** The PS3.6 keyword; retired ones carry a `RETIRED_` prefix. */
    name: string;
    vm: string;
  }
  export const data: {
    DicomMetaDictionary: {
      /** Keyed by "(GGGG,EEEE)". */
      dictionary: Record<string, DictionaryEntry | undefined>;
    };
  };
}
