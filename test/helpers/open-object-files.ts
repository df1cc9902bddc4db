import fs from 'node:fs';
import path from 'node:path';

/** Descriptors this process holds on stored objects of an archive whose data dir is `dataDir` (the archive runs in the test's process). */
export function openObjectFiles(archive: { dataDir: string }): number {
  const objects = path.join(archive.dataDir, 'objects');
  return fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(objects) && target.endsWith('.dcm');
    } catch {
      return false; // closed meanwhile
    }
  }).length;
}

/** Waits up to 2 s for the archive to let go of every stored object; the count left. */
export async function objectFilesAfterRelease(archive: { dataDir: string }): Promise<number> {
  let open = openObjectFiles(archive);
  for (let i = 0; i < 50 && open > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 40));
    open = openObjectFiles(archive);
  }
  return open;
}
