import type { TransferJob } from '../../../shared/api/exchange';
import { displayLocale, translator } from '../i18n/i18n';
import { transferMessages } from './messages';

const t = translator(transferMessages);

/** Bytes in the largest unit that keeps the figure readable (kB, MB, GB), in the UI language. */
export function formatBytes(bytes: number): string {
  const [unit, divisor] =
    bytes >= 1e9 ? (['gigabyte', 1e9] as const) : bytes >= 1e6 ? (['megabyte', 1e6] as const) : (['kilobyte', 1e3] as const);
  return new Intl.NumberFormat(displayLocale(), { style: 'unit', unit, maximumFractionDigits: 1 }).format(bytes / divisor);
}

/** A duration as "45 s", "3 min", "1 h 20 min" in the UI language. */
export function formatDuration(seconds: number): string {
  const unit = (value: number, name: 'second' | 'minute' | 'hour') =>
    new Intl.NumberFormat(displayLocale(), { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: 0 }).format(value);
  if (seconds < 60) return unit(Math.max(1, Math.round(seconds)), 'second');
  if (seconds < 3600) return unit(Math.round(seconds / 60), 'minute');
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  return minutes > 0 ? `${unit(hours, 'hour')} ${unit(minutes, 'minute')}` : unit(hours, 'hour');
}

/** What a job's progress line says: images, bytes, rate and time left, the parts that are known. */
export function progressText(job: TransferJob): string {
  const p = job.progress;
  const parts = [
    p.instancesTotal === null
      ? t('instancesUnknown', { done: p.instancesDone })
      : t('instances', { done: p.instancesDone, total: p.instancesTotal }),
  ];
  if (p.instancesFailed > 0) parts.push(t('instancesFailed', { failed: p.instancesFailed }));
  if (p.bytesDone > 0 || p.bytesTotal)
    parts.push(
      p.bytesTotal
        ? t('bytesOf', { done: formatBytes(p.bytesDone), total: formatBytes(p.bytesTotal) })
        : t('bytes', { done: formatBytes(p.bytesDone) }),
    );
  if (job.status === 'running' && p.bytesPerSecond) parts.push(t('rate', { rate: formatBytes(p.bytesPerSecond) }));
  if (job.status === 'running' && p.etaSeconds !== null) parts.push(t('eta', { time: formatDuration(p.etaSeconds) }));
  return parts.join(' · ');
}

/** How far the job is, from 0 to 1 (bytes when the total is known, else images). */
export function progressFraction(job: TransferJob): number {
  const p = job.progress;
  if (job.status === 'done') return 1;
  if (p.bytesTotal) return Math.min(1, p.bytesDone / p.bytesTotal);
  if (p.instancesTotal) return Math.min(1, (p.instancesDone + p.instancesFailed) / p.instancesTotal);
  return 0;
}
