import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_VARIABLES } from './config-variables';

/** Where the generated table sits in the README: between these two lines. */
export const CONFIG_TABLE_START =
  '<!-- config-table: generated from CONFIG_VARIABLES in server/config-variables.ts by `npm run docs:config` -->';
export const CONFIG_TABLE_END = '<!-- /config-table -->';

/** The README's configuration table, in Markdown, one row per variable of `CONFIG_VARIABLES`. */
export function configTable(): string {
  const rows = CONFIG_VARIABLES.map((v) => `| \`${v.name}\` | ${v.defaultValue} | ${v.meaning} |`);
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** `readme` with the text between the markers replaced by the table; throws when a marker is missing. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(CONFIG_TABLE_START);
  const end = readme.indexOf(CONFIG_TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the lines ${CONFIG_TABLE_START} … ${CONFIG_TABLE_END}`);
  return `${readme.slice(0, start + CONFIG_TABLE_START.length)}\n${configTable()}\n${readme.slice(end)}`;
}

// `tsx server/config-table.ts`: the docs:config script rewrites the README's table.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
  const readme = fs.readFileSync(readmePath, 'utf8');
  const updated = withConfigTable(readme);
  if (updated === readme) console.log('README.md: the configuration table is up to date');
  else {
    fs.writeFileSync(readmePath, updated);
    console.log('README.md: configuration table rewritten from server/config.ts');
  }
}
