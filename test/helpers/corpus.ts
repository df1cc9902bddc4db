import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The team's DICOM corpus (../shared/dicom from the project root) and its MANIFEST.json. */
export const CORPUS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/dicom');

export interface CorpusEntry {
  path: string;
  category: string;
  bytes: number;
  sha256: string;
  sopClassUID?: string;
  modality?: string;
  transferSyntaxUID?: string;
  studyInstanceUID?: string | null;
  seriesInstanceUID?: string | null;
  sopInstanceUID?: string | null;
  patientID?: string | null;
  [key: string]: unknown;
}

let manifest: CorpusEntry[] | undefined;

export function corpusManifest(): CorpusEntry[] {
  if (!manifest) {
    const raw = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'MANIFEST.json'), 'utf8')) as { files: CorpusEntry[] };
    manifest = raw.files;
  }
  return manifest;
}

export function corpusFile(relative: string): Buffer {
  return fs.readFileSync(path.join(CORPUS_DIR, relative));
}

/** The manifest entry of a corpus file; throws for a path the corpus does not hold. */
export function corpusEntry(relative: string): CorpusEntry {
  const entry = corpusManifest().find((e) => e.path === relative);
  if (!entry) throw new Error(`not in the corpus: ${relative}`);
  return entry;
}

/** `${dicomWeb}/studies/{s}/series/{se}/instances/{i}` of a corpus file. */
export function corpusInstanceUrl(dicomWeb: string, entry: CorpusEntry): string {
  return `${dicomWeb}/studies/${entry.studyInstanceUID}/series/${entry.seriesInstanceUID}/instances/${entry.sopInstanceUID}`;
}
