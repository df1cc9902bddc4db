import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/** Retrieve Capabilities (PS3.18 8.9, Annex H) and OPTIONS on every route. */

interface WadlMethod {
  '@_name': string;
  '@_id'?: string;
  response?: { representation?: Array<{ '@_mediaType': string }> };
}
interface WadlResource {
  '@_path': string;
  method?: WadlMethod[];
  resource?: WadlResource[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  isArray: (name) => ['resource', 'method', 'param', 'option', 'representation'].includes(name),
});

/** Every (full path, method) pair in a WADL resource tree. */
function flatten(resources: WadlResource[], prefix = ''): Array<{ path: string; method: WadlMethod }> {
  return resources.flatMap((r) => {
    const path = `${prefix}/${r['@_path']}`;
    return [...(r.method ?? []).map((method) => ({ path, method })), ...flatten(r.resource ?? [], path)];
  });
}

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm';

describe('Retrieve Capabilities', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startTestArchive();
    await expectStored(archive, [corpusFile(CT)]);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  async function wadl(): Promise<{ base: string; methods: Array<{ path: string; method: WadlMethod }> }> {
    const res = await archive.fetch(archive.dicomWeb, { method: 'OPTIONS' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.sun\.wadl\+xml/);
    const doc = parser.parse(await res.text()) as {
      application: { '@_xmlns': string; resources: { '@_base': string; resource: WadlResource[] } };
    };
    expect(doc.application['@_xmlns']).toBe('http://wadl.dev.java.net/2009/02');
    return { base: doc.application.resources['@_base'], methods: flatten(doc.application.resources.resource) };
  }

  it('answers OPTIONS /dicom-web with a WADL document listing the resources, methods and media types', async () => {
    const { base, methods } = await wadl();
    expect(base).toBe(archive.dicomWeb);
    const ids = methods.map((m) => `${m.method['@_name']} ${m.path} ${m.method['@_id'] ?? ''}`.trim());
    expect(ids).toEqual(
      expect.arrayContaining([
        'GET /studies SearchForStudies',
        'POST /studies StoreInstances',
        'GET /studies/{study} Retrieve',
        'DELETE /studies/{study} Delete',
        'GET /studies/{study}/series/{series}/metadata RetrieveMetadata',
        'GET /studies/{study}/series/{series}/instances SearchForInstances',
        'GET /studies/{study}/series/{series}/instances/{instance}/frames/{frames} RetrieveFrames',
        'GET /studies/{study}/series/{series}/instances/{instance}/bulkdata/{path} RetrieveBulkdata',
        'GET /series SearchForSeries',
        'GET /instances SearchForInstances',
        'GET /wado RetrieveDICOMInstance',
      ]),
    );
    const retrieveStudy = methods.find((m) => m.path === '/studies/{study}' && m.method['@_name'] === 'GET')!;
    expect(retrieveStudy.method.response?.representation?.map((r) => r['@_mediaType'])).toEqual(
      expect.arrayContaining(['multipart/related; type="application/dicom"', 'application/zip']),
    );
  });

  it('describes only routes that exist: OPTIONS on each answers 204 and allows the described method', async () => {
    const ct = corpusEntry(CT);
    const values: Record<string, string> = {
      study: ct.studyInstanceUID!,
      series: ct.seriesInstanceUID!,
      instance: ct.sopInstanceUID!,
      frames: '1',
      path: '7FE00010',
    };
    const { methods } = await wadl();
    expect(methods.length).toBeGreaterThanOrEqual(20);
    for (const { path, method } of methods) {
      const url = archive.dicomWeb + path.replace(/\{(\w+)\}/g, (_m, name: string) => values[name]!);
      const res = await archive.fetch(url, { method: 'OPTIONS' });
      expect(res.status, url).toBe(204);
      expect(res.headers.get('allow')!.split(', '), url).toEqual(expect.arrayContaining([method['@_name'], 'OPTIONS']));
    }
  });

  it('gives the same tree as JSON on request, and 406 for a media type it cannot produce', async () => {
    const json = await archive.fetch(archive.dicomWeb, { method: 'OPTIONS', headers: { accept: 'application/json' } });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await json.json()) as { base: string; resources: Array<{ path: string }> };
    expect(body.base).toBe(archive.dicomWeb);
    expect(body.resources.map((r) => r.path)).toEqual(expect.arrayContaining(['studies', 'series', 'instances', 'wado']));
    const html = await archive.fetch(archive.dicomWeb, { method: 'OPTIONS', headers: { accept: 'text/html' } });
    expect(html.status).toBe(406);
    expect(((await html.json()) as { message: string }).message).toMatch(/vnd\.sun\.wadl\+xml/);
  });

  it('lists OPTIONS in the Allow header of a 405, and allows only OPTIONS on the base URI', async () => {
    const put = await archive.fetch(`${archive.dicomWeb}/studies`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, OPTIONS');
    const base = await archive.fetch(archive.dicomWeb);
    expect(base.status).toBe(405);
    expect(base.headers.get('allow')).toBe('OPTIONS');
  });
});
