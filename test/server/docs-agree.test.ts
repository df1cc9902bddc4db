import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors';
import { loadConfig } from '../../server/config';
import { CONFIG_VARIABLES } from '../../server/config-variables';
import { configTable, CONFIG_TABLE_END, CONFIG_TABLE_START } from '../../server/config-table';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The docs that list what the code defines say what the code says. */
describe('the docs agree with the code', () => {
  it('CONFORMANCE.md lists every error code of shared/errors.ts with its status', () => {
    const conformance = read('CONFORMANCE.md');
    const section = conformance.slice(conformance.indexOf('## 12. Error codes'));
    expect(section).not.toBe(conformance);
    const listed = new Map<string, number>();
    for (const [, code, status] of section.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)) listed.set(code!, Number(status));
    const registry = new Map(Object.entries(ERRORS).map(([code, { status }]) => [code, status as number]));
    expect(listed).toEqual(registry);
  });

  it("the README's configuration table is the one generated from CONFIG_VARIABLES (npm run docs:config)", () => {
    const readme = read('README.md');
    const start = readme.indexOf(CONFIG_TABLE_START);
    const end = readme.indexOf(CONFIG_TABLE_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + CONFIG_TABLE_START.length, end).trim()).toBe(configTable());
  });

  it('loadConfig reads exactly the PACS_* variables of CONFIG_VARIABLES', () => {
    const documented: string[] = CONFIG_VARIABLES.map((v) => v.name).sort();
    // Every variable read, with S3 storage so that the S3 ones are read too.
    const readNames = new Set<string>();
    const env = new Proxy<Record<string, string | undefined>>(
      { PACS_STORAGE: 's3', PACS_S3_ENDPOINT: 'minio.hospital.lan', PACS_S3_ACCESS_KEY: 'ak', PACS_S3_SECRET_KEY: 'sk' },
      {
        get(target, name) {
          if (typeof name === 'string') readNames.add(name);
          return typeof name === 'string' ? target[name] : undefined;
        },
      },
    );
    loadConfig(env, '/srv/pacs');
    expect([...readNames].sort()).toEqual(documented);
    // And every PACS_* name the source of config.ts mentions outside the table, however it is read.
    const source = read('server/config.ts');
    const loader = source.slice(source.indexOf('export function loadConfig'));
    expect([...new Set(loader.match(/PACS_[A-Z0-9_]+/g))].filter((name) => !documented.includes(name))).toEqual([]);
  });
});
