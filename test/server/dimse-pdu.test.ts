import { spawn } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { decodeAssociateRq, encodeAbort, encodeAssociateAc, encodeReleaseRp, type AssociateRq } from '../../server/dimse/association-pdu';
import { CommandField, NO_DATA_SET, decodeCommand, encodeCommand, type Command } from '../../server/dimse/dimse-command';
import { PduError, PduType, encodePData, readPdus, readPdvs } from '../../server/dimse/pdu-reader';
import { requireTool } from '../helpers/debian-tools';

const VERIFICATION = '1.2.840.10008.1.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';

/**
 * The Upper Layer and DIMSE command codecs of server/dimse against DCMTK's echoscu (issue 14): a
 * bare acceptor made of them alone decodes echoscu's A-ASSOCIATE-RQ and C-ECHO-RQ and answers
 * them, and echoscu is satisfied; and the framing refuses what a hostile peer sends.
 */
describe('DIMSE PDU and command codecs', () => {
  it("answer DCMTK's echoscu: association, C-ECHO, release", async () => {
    requireTool('echoscu');
    let request: AssociateRq | undefined;
    const commands: Command[] = [];
    let released = false;
    const server = net.createServer((socket) => {
      void (async () => {
        let pending: Buffer[] = [];
        for await (const pdu of readPdus(socket, { maxPDataLength: 16 * 1024 })) {
          if (pdu.type === PduType.AssociateRq) {
            request = decodeAssociateRq(pdu.body);
            socket.write(
              encodeAssociateAc({
                calledAeTitle: request.calledAeTitle,
                callingAeTitle: request.callingAeTitle,
                contexts: request.contexts.map((c) =>
                  c.abstractSyntax === VERIFICATION && c.transferSyntaxes.includes(IMPLICIT_LE)
                    ? { id: c.id, result: 0 as const, transferSyntax: IMPLICIT_LE }
                    : { id: c.id, result: 3 as const, transferSyntax: '' },
                ),
                user: { maxLength: 16 * 1024, implementationClassUid: '1.2.826.0.1.3680043.10.1', roles: [] },
              }),
            );
          } else if (pdu.type === PduType.PData) {
            for (const pdv of readPdvs(pdu.body)) {
              pending.push(pdv.data);
              if (!pdv.command || !pdv.last) continue;
              const command = decodeCommand(Buffer.concat(pending));
              pending = [];
              commands.push(command);
              const response = encodeCommand({
                affectedSopClassUid: VERIFICATION,
                commandField: CommandField.CEchoRsp,
                messageIdBeingRespondedTo: command.messageId!,
                commandDataSetType: NO_DATA_SET,
                status: 0,
              });
              socket.write(encodePData({ contextId: pdv.contextId, command: true, last: true, data: response }));
            }
          } else if (pdu.type === PduType.ReleaseRq) {
            released = true;
            socket.end(encodeReleaseRp());
          }
        }
      })().catch(() => socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const echoscu = spawn('echoscu', ['-aet', 'DISTRICT_CT', '-aec', 'PACS', '127.0.0.1', String(port)]);
      let stderr = '';
      echoscu.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => echoscu.on('close', resolve));
      expect(code, stderr).toBe(0);
      expect(request).toMatchObject({ calledAeTitle: 'PACS', callingAeTitle: 'DISTRICT_CT', applicationContext: '1.2.840.10008.3.1.1.1' });
      expect(request!.contexts[0]).toMatchObject({ id: 1, abstractSyntax: VERIFICATION });
      expect(request!.user.implementationClassUid).toMatch(/^1\.2\.276\.0\.7230010\.3/); // DCMTK's root
      expect(commands).toHaveLength(1);
      expect(commands[0]).toMatchObject({
        commandField: CommandField.CEchoRq,
        affectedSopClassUid: VERIFICATION,
        commandDataSetType: NO_DATA_SET,
      });
      expect(released).toBe(true);
    } finally {
      server.close();
    }
  });

  it('refuses an oversized PDU length before buffering it, an unknown PDU type, and a connection cut inside a PDU', async () => {
    const read = async (...chunks: Buffer[]) => {
      const pdus = [];
      for await (const pdu of readPdus(
        (async function* () {
          yield* chunks;
        })(),
        { maxPDataLength: 1024 },
      ))
        pdus.push(pdu);
      return pdus;
    };
    const huge = Buffer.from([0x04, 0, 0xff, 0xff, 0xff, 0xf0]);
    await expect(read(huge)).rejects.toThrow(/announces 4294967280 bytes; at most 1024 are accepted/);
    await expect(read(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).rejects.toThrow(/unknown PDU type 0x47/);
    const abort = encodeAbort(2, 6);
    await expect(read(abort.subarray(0, 7))).rejects.toThrow(PduError);
    // One PDU in three pieces, the header split: read whole.
    const pdus = await read(abort.subarray(0, 3), abort.subarray(3, 8), abort.subarray(8));
    expect(pdus).toHaveLength(1);
    expect(pdus[0]!.type).toBe(PduType.Abort);
    expect([...pdus[0]!.body]).toEqual([0, 0, 2, 6]);
  });
});
