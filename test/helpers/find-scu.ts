import fs from 'node:fs';
import path from 'node:path';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { DimseClient } from '../../server/dimse/dimse-client';
import { CommandField, type Command } from '../../server/dimse/dimse-command';
import { Part10StreamParser } from '../../server/ingest/part10-parser';
import { runDcmtk } from './dcmtk';
import { makeTempDir, removeTempDir } from './temp-dir';

/** The two C-FIND requestors of the DIMSE tests: DCMTK's findscu, and our own client for what findscu cannot send. */

export function readPart10(file: Buffer): DicomJson {
  const parser = new Part10StreamParser();
  parser.write(file);
  return parser.end().dataset;
}

export interface FindscuRun {
  code: number | null;
  output: string;
  /** Each Pending response's identifier as findscu wrote it (-X), and read back. */
  files: Buffer[];
  responses: DicomJson[];
}

/** DCMTK's findscu against `port`, every response extracted to a file (-X) and read with our Part 10 parser. */
export async function findscu(port: number, args: string[], aeTitle = 'FINDSCU', extract = true): Promise<FindscuRun> {
  const dir = await makeTempDir('findscu');
  try {
    const options = extract ? ['-v', '-X'] : ['-v'];
    const run = await runDcmtk('findscu', ['-aet', aeTitle, '-aec', 'PACS', ...options, ...args, '127.0.0.1', String(port)], { cwd: dir });
    const files = fs
      .readdirSync(dir)
      .filter((name) => /^rsp\d+\.dcm$/.test(name))
      .sort()
      .map((name) => fs.readFileSync(path.join(dir, name)));
    return { ...run, files, responses: files.map(readPart10) };
  } finally {
    await removeTempDir(dir);
  }
}

/** One C-FIND with our own requestor: every response command, and the data sets. */
export async function cFind(
  port: number,
  sopClass: string,
  identifier: Buffer,
  options: { cancelAfter?: number; transferSyntax?: string } = {},
): Promise<{ commands: Command[]; dataSets: Buffer[] }> {
  const transferSyntax = options.transferSyntax ?? EXPLICIT_VR_LITTLE_ENDIAN;
  const client = await DimseClient.open({
    host: '127.0.0.1',
    port,
    calledAeTitle: 'PACS',
    callingAeTitle: 'FINDSCU',
    contexts: [{ abstractSyntax: sopClass, transferSyntaxes: [transferSyntax] }],
  });
  const commands: Command[] = [];
  const dataSets: Buffer[] = [];
  try {
    const contextId = client.contextFor(sopClass, transferSyntax)!;
    const responses = client.request(
      contextId,
      { commandField: CommandField.CFindRq, affectedSopClassUid: sopClass, priority: 0, commandDataSetType: 0 },
      identifier,
    );
    for await (const response of responses) {
      commands.push(response.command);
      if (response.dataSet) dataSets.push(response.dataSet);
      if (dataSets.length === options.cancelAfter) await client.cancel(contextId, client.lastMessageId);
    }
  } finally {
    await client.release();
  }
  return { commands, dataSets };
}
