import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson, DicomJsonElement } from '../../shared/dicom/dicom-json';
import { generateCtSeries } from '../../fixtures/generate-ct-series';
import { boundaryFromContentType, readMultipartRelated } from '../../server/http/multipart-reader';
import { adminHeaders, bearer, call, createShare, errorOf, storeAs, type HeaderMap } from '../helpers/access-client';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { requireTool } from '../helpers/debian-tools';
import { firstValue } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

/**
 * Anonymized share links over real HTTP (issue 5): every way a guest can read a study — QIDO-RS,
 * metadata, WADO-RS Part 10 (as stored and re-encoded), WADO-URI, ZIP — carries no original
 * patient name, ID, birth date, accession number or UID; the replacement UIDs agree everywhere
 * and work in request paths.
 */

const dcmjs = createRequire(import.meta.url)('dcmjs') as {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer): { meta: Record<string, DicomJsonElement>; dict: Record<string, DicomJsonElement> } };
  };
  log: { setLevel(level: string): void };
};
dcmjs.log.setLevel('silent');

const ANY = 'multipart/related; type="application/dicom"; transfer-syntax=*';
const DEFAULT_SYNTAX = 'multipart/related; type="application/dicom"';
/** A real patient CT (implicit VR), and the NEMA CT in JPEG-LS and JPEG baseline (one study). */
const TCIA = corpusEntry('series/ct-abdomen-philips-tcia/1-036.dcm');
const NEMA = [
  corpusEntry('transfer-syntaxes/ct1-1.2.4.80_jpeg-ls-lossless.dcm'),
  corpusEntry('transfer-syntaxes/ct1-1.2.4.50_jpeg-baseline.dcm'),
];

interface SharedStudy {
  name: string;
  studyUid: string;
  token: string;
  /** Original values that must never reach the guest. */
  secrets: string[];
  /** original UID → replacement UID, learned from the guest's QIDO-RS. */
  replacement: Map<string, string>;
  instances: Array<{ series: string; sop: string }>;
}

/** The parts of a multipart/related answer. */
async function multipartParts(res: Response): Promise<Array<{ headers: Record<string, string>; body: Buffer }>> {
  const source = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  const parts: Array<{ headers: Record<string, string>; body: Buffer }> = [];
  for await (const part of readMultipartRelated(source, boundaryFromContentType(res.headers.get('content-type') ?? ''))) {
    const chunks: Buffer[] = [];
    for await (const chunk of part.body) chunks.push(chunk);
    parts.push({ headers: part.headers, body: Buffer.concat(chunks) });
  }
  return parts;
}

function readPart10(bytes: Buffer) {
  return dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
}

function expectNoSecrets(study: SharedStudy, what: string, bytes: Buffer | string): void {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  for (const secret of study.secrets)
    expect(buffer.includes(Buffer.from(secret, 'utf8')), `${what} of ${study.name} holds "${secret}"`).toBe(false);
}

describe('anonymized share links', () => {
  let archive: TestArchive;
  let tmp: string;
  const studies: SharedStudy[] = [];
  const get = (study: SharedStudy, url: string, headers: HeaderMap = {}) =>
    fetch(`${archive.url}${url}`, { headers: { ...bearer(study.token), ...headers } });
  const guestJson = async (study: SharedStudy, url: string) => {
    const answer = await call(archive, 'GET', url, bearer(study.token));
    expect(answer.status, url).toBe(200);
    expectNoSecrets(study, url, answer.text);
    return answer.json as DicomJson[];
  };

  beforeAll(async () => {
    archive = await startTestArchive();
    tmp = await makeTempDir('anonymized-share');
    // The corpus has no real Vietnamese text (its ISO_IR 192 files are ASCII): a synthetic CT carries one.
    const vietnamese = generateCtSeries({
      slices: 2,
      rows: 32,
      columns: 32,
      seed: 11,
      patientName: 'Nguyễn^Thị Hồng Vân',
      patientId: 'VN-HCM-0042',
    });
    const inputs = [
      { name: 'TCIA CT', studyUid: TCIA.studyInstanceUID!, files: [corpusFile(TCIA.path)] },
      { name: 'NEMA CT', studyUid: NEMA[0]!.studyInstanceUID!, files: NEMA.map((e) => corpusFile(e.path)) },
      { name: 'Vietnamese CT', studyUid: vietnamese.studyUid, files: vietnamese.instances.map((i) => i.bytes) },
    ];
    for (const input of inputs) {
      const stored = await storeAs(archive, adminHeaders(archive), input.files);
      expect(stored.status, input.name).toBe(200);
      const { studyUid } = input;
      const metadata = (await call(archive, 'GET', `/dicom-web/studies/${studyUid}/metadata`, adminHeaders(archive))).json as DicomJson[];
      const secrets = new Set<string>();
      for (const ds of metadata) {
        const name = firstValue(ds, '00100010') as { Alphabetic?: string } | undefined;
        if (name?.Alphabetic)
          for (const part of [name.Alphabetic, ...name.Alphabetic.split(/[\^ ]/)]) if (part.length >= 3) secrets.add(part);
        for (const tag of ['00100020', '00100030', '00080050', '0020000D', '0020000E', '00080018']) {
          const value = firstValue(ds, tag);
          if (typeof value === 'string' && value.length >= 6) secrets.add(value);
        }
      }
      const share = await createShare(archive, { studyInstanceUID: studyUid, anonymize: true, permissions: ['read', 'download'] });
      studies.push({
        name: input.name,
        studyUid,
        token: share.token,
        secrets: [...secrets],
        replacement: new Map(),
        instances: metadata.map((ds) => ({ series: String(firstValue(ds, '0020000E')), sop: String(firstValue(ds, '00080018')) })),
      });
    }
    // What must be hidden, as the manifest and the generator say.
    const tcia = studies[0]!.secrets;
    expect(tcia).toEqual(expect.arrayContaining(['Pancreas-CT-CB_001', TCIA.studyInstanceUID, TCIA.sopInstanceUID]));
    expect(studies[1]!.secrets).toEqual(
      expect.arrayContaining(['MISTER', '2178309', '0000000001', NEMA[0]!.sopInstanceUID, NEMA[1]!.sopInstanceUID]),
    );
    expect(studies[2]!.secrets).toEqual(expect.arrayContaining(['Nguyễn', 'Hồng', 'VN-HCM-0042', '19700101']));
  });
  afterAll(async () => {
    await archive?.stop();
    if (tmp) await removeTempDir(tmp);
  });

  it('answers QIDO-RS at every level with replacement UIDs and no identifying value', async () => {
    for (const study of studies) {
      const found = await guestJson(study, '/dicom-web/studies?includefield=all');
      expect(found, study.name).toHaveLength(1);
      const replacedStudy = String(firstValue(found[0], '0020000D'));
      expect(replacedStudy).toMatch(/^2\.25\.\d+$/);
      expect(firstValue(found[0], '00100010'), study.name).toEqual({ Alphabetic: expect.stringMatching(/^ANONYMOUS\^/) as string });
      expect(String(firstValue(found[0], '00100020'))).toMatch(/^ANON-/);
      study.replacement.set(study.studyUid, replacedStudy);
      // The session view names the study by its replacement UID too.
      const session = await call(archive, 'GET', '/api/session', bearer(study.token));
      expect(session.json).toMatchObject({ kind: 'share', share: { studyInstanceUID: replacedStudy, anonymize: true } });
      expectNoSecrets(study, 'GET /api/session', session.text);

      const series = await guestJson(study, `/dicom-web/studies/${replacedStudy}/series?includefield=all`);
      const instances = await guestJson(study, `/dicom-web/studies/${replacedStudy}/instances?includefield=all`);
      expect(instances).toHaveLength(study.instances.length);
      for (const item of await guestJson(study, '/dicom-web/series?includefield=all'))
        expect(series.map((s) => firstValue(s, '0020000E'))).toContain(firstValue(item, '0020000E'));
      const everywhere = await guestJson(study, '/dicom-web/instances?includefield=all');
      expect(everywhere.map((i) => firstValue(i, '00080018')).sort()).toEqual(instances.map((i) => firstValue(i, '00080018')).sort());
      for (const s of series) {
        const replacedSeries = String(firstValue(s, '0020000E'));
        const inSeries = await guestJson(study, `/dicom-web/studies/${replacedStudy}/series/${replacedSeries}/instances?includefield=all`);
        expect(inSeries.length).toBeGreaterThan(0);
      }
      // Replacement UIDs map back by position: instance numbers are kept by the profile.
      for (const item of instances) {
        expect(String(firstValue(item, '00080018'))).toMatch(/^2\.25\.\d+$/);
        expect(firstValue(item, '0020000D')).toBe(replacedStudy);
      }
    }
  });

  it('serves metadata at study, series and instance level de-identified, with PatientIdentityRemoved YES', async () => {
    for (const study of studies) {
      const replacedStudy = study.replacement.get(study.studyUid)!;
      const metadata = await guestJson(study, `/dicom-web/studies/${replacedStudy}/metadata`);
      expect(metadata).toHaveLength(study.instances.length);
      for (const ds of metadata) {
        expect(firstValue(ds, '00120062'), study.name).toBe('YES');
        expect(firstValue(ds, '0020000D')).toBe(replacedStudy);
        expect(firstValue(ds, '00100030')).toBeUndefined();
        const series = String(firstValue(ds, '0020000E'));
        const sop = String(firstValue(ds, '00080018'));
        const seriesMetadata = await guestJson(study, `/dicom-web/studies/${replacedStudy}/series/${series}/metadata`);
        expect(seriesMetadata.map((d) => firstValue(d, '00080018'))).toContain(sop);
        const instance = await guestJson(study, `/dicom-web/studies/${replacedStudy}/series/${series}/instances/${sop}/metadata`);
        expect(instance).toEqual([ds]);
        // The Pixel Data BulkDataURI names the replacement UIDs and resolves for the guest.
        const uri = ds['7FE00010']?.BulkDataURI;
        expect(uri, study.name).toBe(`${archive.dicomWeb}/studies/${replacedStudy}/series/${series}/instances/${sop}/bulkdata/7FE00010`);
        const bulk = await fetch(uri!, { headers: { ...bearer(study.token), accept: 'application/octet-stream' } });
        expect(bulk.status).toBe(200);
        expect((await bulk.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      }
    }
  });

  it('retrieves Part 10 instances (as stored and re-encoded), through WADO-URI and as a ZIP without any identifying byte', async () => {
    for (const study of studies) {
      const replacedStudy = study.replacement.get(study.studyUid)!;
      const metadata = await guestJson(study, `/dicom-web/studies/${replacedStudy}/metadata`);
      const bySop = new Map(metadata.map((ds) => [String(firstValue(ds, '00080018')), ds]));
      for (const accept of [ANY, DEFAULT_SYNTAX]) {
        const res = await get(study, `/dicom-web/studies/${replacedStudy}`, { accept });
        expect(res.status, `${study.name} ${accept}`).toBe(200);
        const parts = await multipartParts(res);
        expect(parts).toHaveLength(study.instances.length);
        for (const part of parts) {
          expectNoSecrets(study, `WADO-RS part (${accept})`, part.body);
          const { meta, dict } = readPart10(part.body);
          const sop = String(dict['00080018']?.Value?.[0]);
          const ds = bySop.get(sop);
          expect(ds, `${study.name}: Part 10 SOP UID ${sop} is the metadata's`).toBeDefined();
          expect(meta['00020003']?.Value?.[0]).toBe(sop);
          expect(dict['0020000D']?.Value?.[0]).toBe(replacedStudy);
          expect(dict['0020000E']?.Value?.[0]).toBe(firstValue(ds, '0020000E'));
          expect(dict['00120062']?.Value?.[0]).toBe('YES');
          expect(part.headers['content-location']).toBe(
            `${archive.dicomWeb}/studies/${replacedStudy}/series/${String(firstValue(ds, '0020000E'))}/instances/${sop}`,
          );
        }
      }
      for (const ds of metadata) {
        const uri = `/wado?requestType=WADO&studyUID=${replacedStudy}&seriesUID=${String(firstValue(ds, '0020000E'))}&objectUID=${String(firstValue(ds, '00080018'))}&contentType=application/dicom`;
        const res = await get(study, uri);
        expect(res.status, uri).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/dicom');
        expectNoSecrets(study, 'WADO-URI', res.headers.get('content-disposition') ?? '');
        const bytes = Buffer.from(await res.arrayBuffer());
        expectNoSecrets(study, 'WADO-URI', bytes);
        expect(readPart10(bytes).dict['00080018']?.Value?.[0]).toBe(firstValue(ds, '00080018'));
      }

      const zip = await get(study, `/dicom-web/studies/${replacedStudy}?accept=application/zip`);
      expect(zip.status).toBe(200);
      const zipBytes = Buffer.from(await zip.arrayBuffer());
      expectNoSecrets(study, 'ZIP', zipBytes);
      expectNoSecrets(study, 'ZIP headers', [...zip.headers.values()].join('\n'));
      const dir = path.join(tmp, replacedStudy);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'study.zip'), zipBytes);
      requireTool('unzip');
      const unzip = spawnSync('unzip', ['-q', 'study.zip', '-d', 'out'], { cwd: dir, encoding: 'utf8' });
      expect(unzip.status, unzip.stderr).toBe(0);
      const entries = fs.readdirSync(path.join(dir, 'out'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      expect(entries).toHaveLength(study.instances.length);
      for (const entry of entries) {
        const file = path.join(entry.parentPath, entry.name);
        expectNoSecrets(study, `ZIP entry ${entry.name}`, path.relative(dir, file));
        const bytes = fs.readFileSync(file);
        expectNoSecrets(study, `ZIP entry ${entry.name}`, bytes);
        const { dict } = readPart10(bytes);
        expect(path.relative(path.join(dir, 'out'), file)).toBe(
          `${replacedStudy}/${String(dict['0020000E']?.Value?.[0])}/${String(dict['00080018']?.Value?.[0])}.dcm`,
        );
        expect(bySop.has(String(dict['00080018']?.Value?.[0]))).toBe(true);
      }
    }
  });

  it('leaves no original UID in the headers and parts of frames, rendered images, thumbnails and bulk data', async () => {
    for (const study of studies) {
      const replacedStudy = study.replacement.get(study.studyUid)!;
      const ds = (await guestJson(study, `/dicom-web/studies/${replacedStudy}/metadata`))[0]!;
      const series = `/dicom-web/studies/${replacedStudy}/series/${String(firstValue(ds, '0020000E'))}`;
      const instance = `${series}/instances/${String(firstValue(ds, '00080018'))}`;
      const requests: Array<[string, HeaderMap]> = [
        [`/dicom-web/studies/${replacedStudy}/rendered`, {}],
        [`${series}/rendered`, {}],
        [`${instance}/rendered`, {}],
        [`${instance}/frames/1/rendered`, {}],
        [`/dicom-web/studies/${replacedStudy}/thumbnail`, {}],
        [`${instance}/frames/1`, {}],
        [`${instance}/frames/1`, { accept: 'multipart/related; type="application/octet-stream"' }],
        [`${instance}/bulkdata/7FE00010`, {}],
        [`${instance}`, { accept: ANY }],
      ];
      for (const [url, headers] of requests) {
        const res = await get(study, url, headers);
        expect(res.status, url).toBe(200);
        expectNoSecrets(study, `${url} headers`, [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n'));
        expectNoSecrets(study, url, Buffer.from(await res.arrayBuffer()));
      }
    }
  });

  it('returns by replacement UIDs the same frame bytes the admin gets by the original UIDs', async () => {
    for (const study of studies) {
      const replacedStudy = study.replacement.get(study.studyUid)!;
      const metadata = await guestJson(study, `/dicom-web/studies/${replacedStudy}/metadata`);
      const admin = (await call(archive, 'GET', `/dicom-web/studies/${study.studyUid}/metadata`, adminHeaders(archive)))
        .json as DicomJson[];
      const frame = async (headers: HeaderMap, ds: DicomJson, studyUid: string) => {
        const url = `${archive.dicomWeb}/studies/${studyUid}/series/${String(firstValue(ds, '0020000E'))}/instances/${String(firstValue(ds, '00080018'))}/frames/1`;
        const res = await fetch(url, { headers: { ...headers, accept: 'application/octet-stream' } });
        expect(res.status, url).toBe(200);
        return Buffer.from(await res.arrayBuffer());
      };
      const adminFrames = await Promise.all(admin.map((ds) => frame(adminHeaders(archive), ds, study.studyUid)));
      // Each replacement instance gives the pixels of exactly one original, and no two the same one.
      const matched = new Set<number>();
      for (const ds of metadata) {
        const guestFrame = await frame(bearer(study.token), ds, replacedStudy);
        expect(guestFrame.length, study.name).toBe(
          (Number(firstValue(ds, '00280010')) * Number(firstValue(ds, '00280011')) * Number(firstValue(ds, '00280100'))) / 8,
        );
        const same = adminFrames.flatMap((f, n) => (f.equals(guestFrame) ? [n] : []));
        expect(same, study.name).toHaveLength(1);
        matched.add(same[0]!);
      }
      expect(matched.size).toBe(admin.length);
    }
  });

  it('refuses identifying search keys, original UIDs, and bulk data of removed attributes', async () => {
    const [tcia, nema] = studies as [SharedStudy, SharedStudy];
    for (const key of [
      'PatientName=MISTER*',
      '00100010=MISTER*',
      'PatientID=2178309',
      'AccessionNumber=0000000001',
      'StudyDate=19940101-',
    ]) {
      const answer = await call(archive, 'GET', `/dicom-web/studies?${key}`, bearer(nema.token));
      expect(answer.status, key).toBe(400);
      expect(errorOf(answer).code).toBe('INVALID_QUERY');
      expect(answer.text).not.toContain('MISTER');
    }
    expect((await call(archive, 'GET', '/dicom-web/studies?ModalitiesInStudy=CT', bearer(nema.token))).json).toHaveLength(1);
    // The original UIDs are unknown to the guest.
    expect((await call(archive, 'GET', `/dicom-web/studies?StudyInstanceUID=${nema.studyUid}`, bearer(nema.token))).json).toEqual([]);
    expect((await call(archive, 'GET', `/dicom-web/studies/${nema.studyUid}/metadata`, bearer(nema.token))).status).toBe(404);
    // Another anonymized share's replacement UID is not this share's.
    const other = tcia.replacement.get(tcia.studyUid)!;
    expect((await call(archive, 'GET', `/dicom-web/studies/${other}/metadata`, bearer(nema.token))).status).toBe(404);

    // Bulk data: Pixel Data yes; an attribute the profile removes, no (even where the admin has it).
    const replacedStudy = nema.replacement.get(nema.studyUid)!;
    const ds = (await guestJson(nema, `/dicom-web/studies/${replacedStudy}/metadata`))[0]!;
    const base = `/dicom-web/studies/${replacedStudy}/series/${String(firstValue(ds, '0020000E'))}/instances/${String(firstValue(ds, '00080018'))}/bulkdata`;
    expect((await call(archive, 'GET', `${base}/7FE00010`, { ...bearer(nema.token), accept: 'application/octet-stream' })).status).toBe(
      200,
    );
    for (const removed of ['00100010', '00080050', '00081030']) {
      const answer = await call(archive, 'GET', `${base}/${removed}`, bearer(nema.token));
      expect(answer.status, removed).toBe(404);
      expect(errorOf(answer).message).toBe('This instance has no bulk data at that path.');
    }
  });
});
