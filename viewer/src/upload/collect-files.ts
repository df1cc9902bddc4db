/**
 * The files a user handed over, whether picked in a file input or dropped (files and whole
 * folders, e.g. a patient's CD), each with its path inside what was chosen.
 */
export interface PickedFile {
  file: File;
  /** `DICOM/PAT1/IM0001` inside a dropped or chosen folder, else the file name. */
  path: string;
}

/** A file input's selection; a `webkitdirectory` input gives each file's path in the folder. */
export function filesFromInput(list: FileList | null): PickedFile[] {
  return Array.from(list ?? [], (file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/**
 * The entries of a drop must be taken synchronously inside the drop handler (the DataTransfer
 * is emptied once it returns); the folders are then walked asynchronously.
 */
export function entriesFromDrop(data: DataTransfer | null): { entries: FileSystemEntry[]; files: File[] } {
  const entries: FileSystemEntry[] = [];
  const files: File[] = [];
  for (const item of Array.from(data?.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) files.push(file);
    }
  }
  return { entries, files };
}

/** Every file under the dropped entries, folders walked recursively. */
export async function filesFromEntries(entries: readonly FileSystemEntry[]): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}

async function walk(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (isFile(entry)) {
    const file = await new Promise<File>((resolve, reject) => entry.file(resolve, reject));
    out.push({ file, path: entry.fullPath.replace(/^\//, '') || file.name });
  } else if (isDirectory(entry)) {
    for (const child of await readAllEntries(entry)) await walk(child, out);
  }
}

/** `readEntries` answers in chunks (100 in Chromium) until it answers an empty list. */
async function readAllEntries(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const chunk = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (chunk.length === 0) return all;
    all.push(...chunk);
  }
}

function isFile(entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile;
}

function isDirectory(entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory;
}
