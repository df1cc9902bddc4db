/**
 * A strict reader of the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), for tests:
 * it throws on any line that is not a HELP, a TYPE or a sample of a declared family, on a label
 * value with a bad escape, on a sample of a histogram that is not _bucket/_sum/_count, on a
 * family declared twice, and on a value that is not a Go float. prom-client writes this format
 * but ships no reader.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, index) => {
    const fail = (why: string) => new Error(`line ${index + 1} (${JSON.stringify(line.slice(0, 120))}): ${why}`);
    if (line === '') return;
    if (line.startsWith('# HELP ')) {
      const [, name = '', help = ''] = /^# HELP (\S+) ?(.*)$/.exec(line) ?? [];
      if (!new RegExp(`^${NAME}$`).test(name)) throw fail('bad metric name');
      familyOf(name).help = help;
      return;
    }
    if (line.startsWith('# TYPE ')) {
      const [, name = '', type = ''] = /^# TYPE (\S+) (\S+)$/.exec(line) ?? [];
      if (!TYPES.has(type)) throw fail(`unknown type ${type}`);
      const family = familyOf(name);
      if (family.samples.length > 0) throw fail('TYPE after samples');
      family.type = type as MetricFamily['type'];
      return;
    }
    if (line.startsWith('#')) return;
    const match = SAMPLE.exec(line);
    if (!match) throw fail('not a sample');
    const [, name = '', labelText = '', valueText = ''] = match;
    const family = declaredFamilyOf(name);
    if (!family) throw fail(`sample of no declared family`);
    family.samples.push({ name, labels: parseLabels(labelText, fail), value: parseValue(valueText, fail) });
  });
  return families;

  function familyOf(name: string): MetricFamily {
    let family = families.get(name);
    if (!family) {
      family = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, family);
    }
    return family;
  }

  function declaredFamilyOf(sampleName: string): MetricFamily | undefined {
    const exact = families.get(sampleName);
    if (exact && exact.type !== 'histogram' && exact.type !== 'summary') return exact;
    for (const suffix of ['_bucket', '_sum', '_count']) {
      if (!sampleName.endsWith(suffix)) continue;
      const family = families.get(sampleName.slice(0, -suffix.length));
      if (family?.type === 'histogram' || (family?.type === 'summary' && suffix !== '_bucket')) return family;
    }
    return undefined;
  }
}

function parseLabels(text: string, fail: (why: string) => Error): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== '') {
    const match = LABEL.exec(rest);
    if (!match) throw fail('bad label');
    const [whole, name = '', raw = ''] = match;
    if (name in labels) throw fail(`label ${name} twice`);
    labels[name] = raw.replace(/\\(["\\n])/g, (_all, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(whole.length);
  }
  return labels;
}

function parseValue(text: string, fail: (why: string) => Error): number {
  // As Go's strconv.ParseFloat reads them (Prometheus does): case-insensitive (prom-client writes "Nan").
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw fail(`bad value ${text}`);
  return Number(text);
}

/** The value of the one sample named `name` whose labels include `labels`; throws unless exactly one. */
export function sampleValue(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): number {
  const found = [...families.values()]
    .flatMap((family) => family.samples)
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  if (found.length !== 1) throw new Error(`${found.length} samples ${name} ${JSON.stringify(labels)}`);
  return found[0]!.value;
}

/** A histogram's buckets (le → cumulative count), _sum and _count for the labels given. */
export function histogramOf(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string>,
): { buckets: Array<{ le: number; count: number }>; sum: number; count: number } {
  const family = families.get(name);
  if (family?.type !== 'histogram') throw new Error(`${name} is not a histogram`);
  const matches = (sample: Sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value);
  const buckets = family.samples
    .filter((sample) => sample.name === `${name}_bucket` && matches(sample))
    .map((sample) => ({ le: sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le), count: sample.value }));
  return { buckets, sum: sampleValue(families, `${name}_sum`, labels), count: sampleValue(families, `${name}_count`, labels) };
}
