import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runDcmtk, startStorescp } from './dcmtk';
import { makeTempDir, removeTempDir } from './temp-dir';

/**
 * What crosses the wire when DCMTK's storescu sends these files (-xi: in Implicit VR Little Endian
 * if `implicit`): storescu re-encodes a data set as it sends it, so DCMTK's own storescp writing
 * exactly what it read (+B) is the reference a C-STORE SCP's stored copy is compared with. By SOP
 * Instance UID (storescp names its files `<modality>.<uid>`).
 */
export async function receivedByStorescp(files: readonly string[], implicit = false): Promise<Map<string, Buffer>> {
  const dir = await makeTempDir('storescp-reference');
  try {
    const scp = await startStorescp(dir, 'PACS', implicit ? ['+xi'] : []);
    try {
      const sent = await runDcmtk('storescu', [...(implicit ? ['-xi'] : []), '-aec', 'PACS', '127.0.0.1', String(scp.port), ...files]);
      expect(sent.code, sent.output).toBe(0);
    } finally {
      await scp.stop();
    }
    return new Map(fs.readdirSync(dir).map((name) => [name.replace(/^[A-Z]+\./, ''), fs.readFileSync(path.join(dir, name))]));
  } finally {
    await removeTempDir(dir);
  }
}
