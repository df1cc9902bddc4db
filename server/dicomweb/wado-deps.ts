import type { StoredDeps } from '../stored/stored-deps';

/** What the WADO-RS and WADO-URI handlers are given: the stored-instance layer's needs, the public base URL and the log. */
export interface WadoDeps extends StoredDeps {
  dicomWebBase: () => string;
  log: (message: string, error?: unknown) => void;
}
