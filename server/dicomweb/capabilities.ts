import type { Request, RequestHandler, Response } from 'express';
import { QUERY_KEYS, type QidoLevel } from '../../shared/dicomweb/qido-query';
import { DICOM_JSON, PLAIN_JSON, parseAccept } from '../../shared/dicomweb/media-types';
import { AppError } from '../../shared/errors';

/**
 * Retrieve Capabilities (PS3.18 8.9, Annex H): `OPTIONS /dicom-web` answers a WADL document
 * (`application/vnd.sun.wadl+xml`, the default) describing every route of the route table, or the
 * same tree as JSON for `Accept: application/json`. The tree is built from the router's own
 * table, so a route cannot exist without being described; what each method takes and returns
 * comes from the table below.
 */

export const WADL = 'application/vnd.sun.wadl+xml';
const WADL_NS = 'http://wadl.dev.java.net/2009/02';

/** One route of the route table: an Express path and its methods in upper case. */
export interface RouteEntry {
  path: string;
  methods: readonly string[];
}

export interface Param {
  name: string;
  style: 'query' | 'header' | 'template';
  required?: boolean;
  repeating?: boolean;
  /** The values the archive understands, when they are a closed list. */
  options?: readonly string[];
  default?: string;
}

export interface MethodDescription {
  name: string;
  /** The transaction's name in PS3.18 (e.g. SearchForStudies). */
  id?: string;
  params: Param[];
  /** Media types of the request payload. */
  consumes: string[];
  /** Media types the response can carry. */
  produces: string[];
}

export interface ResourceDescription {
  /** One path segment, `{name}` for a template. */
  path: string;
  methods: MethodDescription[];
  resources: ResourceDescription[];
}

const ANY_SYNTAX = 'multipart/related; type="application/dicom"; transfer-syntax=*';
const MULTIPART_DICOM = 'multipart/related; type="application/dicom"';
const ZIP = 'application/zip';
const RENDERED = ['image/jpeg', 'image/png', 'image/gif'];
const FRAME_TYPES = [
  'multipart/related; type="application/octet-stream"',
  'multipart/related; type="application/octet-stream"; transfer-syntax=*',
  'application/octet-stream',
  'image/jpeg',
  'image/jls',
  'image/jp2',
  'image/jphc',
  'image/dicom-rle',
];
const accept = (options: readonly string[], dflt?: string): Param => ({
  name: 'Accept',
  style: 'header',
  options,
  ...(dflt ? { default: dflt } : {}),
});
const query = (name: string, options?: readonly string[]): Param => ({ name, style: 'query', ...(options ? { options } : {}) });

function searchParams(level: QidoLevel): Param[] {
  const depth = { study: 0, series: 1, instance: 2 };
  const keys = QUERY_KEYS.filter((k) => depth[k.level] <= depth[level]).map((k) => query(k.keyword));
  return [
    accept([DICOM_JSON, PLAIN_JSON], DICOM_JSON),
    ...keys,
    query('includefield'),
    query('fuzzymatching', ['true', 'false']),
    query('limit'),
    query('offset'),
  ];
}

function describe(method: string, path: string): Omit<MethodDescription, 'name'> {
  const is = (suffix: string) => path.endsWith(suffix);
  const none = { consumes: [] as string[] };
  if (method === 'DELETE') return { id: 'Delete', params: [], ...none, produces: [] };
  if (method === 'POST') {
    return {
      id: 'StoreInstances',
      params: [accept([DICOM_JSON, PLAIN_JSON], DICOM_JSON)],
      consumes: [MULTIPART_DICOM],
      produces: [DICOM_JSON],
    };
  }
  if (path === '/wado') {
    const params = ['requestType', 'studyUID', 'seriesUID', 'objectUID'].map((name) => ({ ...query(name), required: true }));
    return {
      id: 'RetrieveDICOMInstance',
      params: [
        ...params,
        query('contentType', ['application/dicom', 'image/jpeg', 'image/png', 'image/gif', '*/*']),
        query('transferSyntax'),
        ...['frameNumber', 'rows', 'columns', 'region', 'windowCenter', 'windowWidth', 'imageQuality'].map((n) => query(n)),
      ],
      ...none,
      produces: ['application/dicom', 'image/jpeg', 'image/png', 'image/gif'],
    };
  }
  if (path === '/studies' || path === '/series' || path === '/instances' || is('/series') || is('/instances')) {
    const level: QidoLevel = path === '/studies' ? 'study' : path.endsWith('series') ? 'series' : 'instance';
    const id = { study: 'SearchForStudies', series: 'SearchForSeries', instance: 'SearchForInstances' }[level];
    return { id, params: searchParams(level), ...none, produces: [DICOM_JSON] };
  }
  if (is('/rendered') || is('/thumbnail')) {
    const thumbnail = is('/thumbnail');
    const params = thumbnail ? [query('viewport')] : [query('window'), query('viewport'), query('quality')];
    // Rendered studies, series and frame lists are multipart/related, one image per part.
    const produces = thumbnail ? RENDERED : [...RENDERED, ...RENDERED.map((t) => `multipart/related; type="${t}"`)];
    return {
      id: thumbnail ? 'RetrieveThumbnail' : 'RetrieveRendered',
      params: [accept(produces, 'image/jpeg'), query('accept', produces), ...params],
      ...none,
      produces,
    };
  }
  if (is('/metadata'))
    return { id: 'RetrieveMetadata', params: [accept([DICOM_JSON, PLAIN_JSON], DICOM_JSON)], ...none, produces: [DICOM_JSON] };
  if (is('/frames/:frames')) return { id: 'RetrieveFrames', params: [accept(FRAME_TYPES)], ...none, produces: FRAME_TYPES };
  if (path.includes('/bulkdata/'))
    return { id: 'RetrieveBulkdata', params: [accept(FRAME_TYPES), { name: 'Range', style: 'header' }], ...none, produces: FRAME_TYPES };
  if (is(':study') || is(':series') || is(':instance')) {
    const types = [MULTIPART_DICOM, ANY_SYNTAX, ZIP];
    return { id: 'Retrieve', params: [accept(types, MULTIPART_DICOM), query('accept', [ZIP])], ...none, produces: types };
  }
  // A route added to the table without a description here is still listed, with its method.
  return { params: [], ...none, produces: [] };
}

/** The resource tree of the route table (Express `:name` and `*name` become `{name}`). */
export function describeRoutes(routes: readonly RouteEntry[]): ResourceDescription {
  const root: ResourceDescription = { path: '', methods: [], resources: [] };
  for (const route of routes) {
    let node = root;
    for (const segment of route.path.split('/').filter(Boolean)) {
      const path = segment.startsWith(':') || segment.startsWith('*') ? `{${segment.slice(1)}}` : segment;
      let child = node.resources.find((r) => r.path === path);
      if (!child) node.resources.push((child = { path, methods: [], resources: [] }));
      node = child;
    }
    for (const name of route.methods) node.methods.push({ name, ...describe(name, route.path) });
  }
  return root;
}

/** The WADL document (Annex H): one `application`, one `resources` whose `base` is the service URL. */
export function capabilitiesWadl(tree: ResourceDescription, base: string): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<application xmlns="${WADL_NS}">`, `  <resources base="${xml(base)}">`];
  for (const method of tree.methods) lines.push(...methodXml(method, '    '));
  for (const resource of tree.resources) lines.push(...resourceXml(resource, '    '));
  lines.push('  </resources>', '</application>', '');
  return lines.join('\n');
}

function resourceXml(resource: ResourceDescription, indent: string): string[] {
  const out = [`${indent}<resource path="${xml(resource.path)}">`];
  const template = /^\{(.+)\}$/.exec(resource.path)?.[1];
  if (template) out.push(`${indent}  <param name="${xml(template)}" style="template" required="true" type="xsd:string"/>`);
  for (const method of resource.methods) out.push(...methodXml(method, `${indent}  `));
  for (const child of resource.resources) out.push(...resourceXml(child, `${indent}  `));
  out.push(`${indent}</resource>`);
  return out;
}

function methodXml(method: MethodDescription, indent: string): string[] {
  const out = [`${indent}<method name="${method.name}"${method.id ? ` id="${method.id}"` : ''}>`];
  if (method.params.length > 0 || method.consumes.length > 0) {
    out.push(`${indent}  <request>`);
    for (const p of method.params) {
      const attrs = `name="${xml(p.name)}" style="${p.style}"${p.required ? ' required="true"' : ''}${p.default ? ` default="${xml(p.default)}"` : ''}`;
      if (!p.options?.length) out.push(`${indent}    <param ${attrs}/>`);
      else
        out.push(
          `${indent}    <param ${attrs}>`,
          ...p.options.map((o) => `${indent}      <option value="${xml(o)}"/>`),
          `${indent}    </param>`,
        );
    }
    for (const type of method.consumes) out.push(`${indent}    <representation mediaType="${xml(type)}"/>`);
    out.push(`${indent}  </request>`);
  }
  out.push(
    `${indent}  <response>`,
    ...method.produces.map((type) => `${indent}    <representation mediaType="${xml(type)}"/>`),
    `${indent}  </response>`,
  );
  out.push(`${indent}</method>`);
  return out;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `OPTIONS /dicom-web`: WADL unless the client prefers JSON; 406 when it accepts neither. */
export function retrieveCapabilities(routes: readonly RouteEntry[], dicomWebBase: () => string): RequestHandler {
  const tree = describeRoutes(routes);
  return (req: Request, res: Response): void => {
    const format = negotiate(req.headers.accept);
    res.setHeader('Allow', 'OPTIONS');
    if (format === 'json') {
      res
        .status(200)
        .type(PLAIN_JSON)
        .send(JSON.stringify({ base: dicomWebBase(), resources: tree.resources }));
    } else {
      res.status(200).type(WADL).send(capabilitiesWadl(tree, dicomWebBase()));
    }
  };
}

function negotiate(header: string | undefined): 'wadl' | 'json' {
  if (header === undefined || header.trim() === '') return 'wadl';
  for (const range of parseAccept(header)) {
    if (range.q <= 0) continue;
    if ([WADL, 'application/xml', 'text/xml', 'application/*', '*/*'].includes(range.type)) return 'wadl';
    if (range.type === PLAIN_JSON) return 'json';
  }
  throw new AppError('NOT_ACCEPTABLE', `The capabilities are available as ${WADL} (WADL) or ${PLAIN_JSON}.`);
}

/** `OPTIONS` on any other route: 204 with the methods it allows. */
export function allowedMethods(allow: string): RequestHandler {
  return (_req: Request, res: Response): void => {
    res.setHeader('Allow', allow);
    res.status(204).end();
  };
}
