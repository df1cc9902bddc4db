import { describe, expect, it } from 'vitest';
import { requestFamily } from '../../server/ops/metrics-request-family';

const STUDY = '/dicom-web/studies/1.2.3';
const SERIES = `${STUDY}/series/1.2.3.4`;
const INSTANCE = `${SERIES}/instances/1.2.3.4.5`;

/** Every route of the DICOMweb route table (server/dicomweb/router.ts) and the app's other paths, with its family. */
const CASES: Array<[string, string, string]> = [
  ['POST', '/dicom-web/studies', 'stow'],
  ['POST', STUDY, 'stow'],
  ['GET', '/dicom-web/studies', 'qido'],
  ['GET', `${STUDY}/series`, 'qido'],
  ['GET', `${STUDY}/instances`, 'qido'],
  ['GET', `${SERIES}/instances`, 'qido'],
  ['GET', '/dicom-web/series', 'qido'],
  ['GET', '/dicom-web/instances', 'qido'],
  ['GET', `${STUDY}/metadata`, 'metadata'],
  ['GET', `${SERIES}/metadata`, 'metadata'],
  ['GET', `${INSTANCE}/metadata`, 'metadata'],
  ['GET', `${INSTANCE}/frames/1,2`, 'frames'],
  ['GET', `${STUDY}/rendered`, 'rendered'],
  ['GET', `${SERIES}/thumbnail`, 'rendered'],
  ['GET', `${INSTANCE}/frames/1/rendered`, 'rendered'],
  ['GET', `${INSTANCE}/frames/1/thumbnail`, 'rendered'],
  ['GET', STUDY, 'retrieve'],
  ['GET', SERIES, 'retrieve'],
  ['GET', INSTANCE, 'retrieve'],
  ['GET', `${INSTANCE}/bulkdata/7FE00010`, 'retrieve'],
  ['GET', '/dicom-web/wado', 'retrieve'],
  ['GET', '/wado', 'retrieve'],
  ['DELETE', STUDY, 'delete'],
  ['DELETE', INSTANCE, 'delete'],
  ['OPTIONS', '/dicom-web/studies', 'other'],
  ['GET', '/api/session', 'api'],
  ['POST', '/api/login', 'api'],
  ['GET', '/health/ready', 'health'],
  ['GET', '/metrics', 'metrics'],
  ['GET', '/', 'viewer'],
  ['GET', '/assets/index-3f2a.js', 'viewer'],
  ['POST', '/nothing/here', 'other'],
];

describe('requestFamily', () => {
  it.each(CASES)('%s %s is %s', (method, path, family) => {
    expect(requestFamily(method, path)).toBe(family);
  });
});
