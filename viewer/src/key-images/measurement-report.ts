/**
 * "Save measurements as DICOM SR": every measurement of the study the viewer holds (the user's
 * and the shared ones), as cornerstone-tools measured them, sent to the archive, which stores them
 * in the study as a TID 1500 measurement report (server/measurement-report). A probe has no TID
 * 300 form and is left out. The viewer element's `data-measurement-report` says saving | saved |
 * failed, `data-measurement-report-count` how many the last saved report holds.
 */
import {
  REPORTED_TOOLS,
  type ReportedMeasurement,
  type ReportedTool,
  type SavedMeasurementReport,
} from '../../../shared/api/measurement-report';
import { describeError, showError } from '../app/error-banner';
import { apiJson } from '../auth/api';
import { translator } from '../i18n/i18n';
import { parseImageId } from '../imaging/image-ids';
import { loadedMeasurementTools } from '../imaging/load-measurement-tools';
import type { Measurement } from '../imaging/measurement-tool-names';
import { keyImageMessages } from './messages';

const t = translator(keyImageMessages);
const NOTICE_MS = 6000;

/** Saves the study's measurements; true once the archive stored them. */
export async function saveMeasurementReport(studyUid: string, status: HTMLElement): Promise<boolean> {
  const measurements = (loadedMeasurementTools()?.imagesWithMeasurements() ?? []).flatMap(({ imageId, measurements }) => {
    const ref = parseImageId(imageId);
    return ref.studyUid === studyUid ? measurements.flatMap((m) => reported(m, ref)) : [];
  });
  if (measurements.length === 0) {
    showError(t('noMeasurements'));
    return false;
  }
  status.dataset.measurementReport = 'saving';
  try {
    const saved = await apiJson<SavedMeasurementReport>('POST', `/api/studies/${encodeURIComponent(studyUid)}/measurement-report`, {
      measurements,
    });
    status.dataset.measurementReport = 'saved';
    status.dataset.measurementReportCount = String(saved.measurements);
    notice(t('measurementsSaved', { count: saved.measurements }));
    return true;
  } catch (error) {
    status.dataset.measurementReport = 'failed';
    showError(t('measurementsFailed', { message: describeError(error) }));
    return false;
  }
}

function reported(m: Measurement, ref: ReturnType<typeof parseImageId>): ReportedMeasurement[] {
  if (!REPORTED_TOOLS.includes(m.tool as ReportedTool)) return [];
  const data = m.data as typeof m.data & { length?: unknown; rAngle?: unknown; complete?: boolean };
  if (data.complete === false) return [];
  const handles: ReportedMeasurement['handles'] = {};
  for (const [name, handle] of Object.entries(data.handles)) {
    const h = handle as { x?: unknown; y?: unknown } | null;
    if (name !== 'textBox' && typeof h?.x === 'number' && typeof h.y === 'number') handles[name] = { x: h.x, y: h.y };
  }
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const stats = data.cachedStats ?? {};
  const cachedStats = Object.fromEntries(
    (['area', 'perimeter', 'mean', 'stdDev', 'min', 'max'] as const).flatMap((k) => {
      const v = number((stats as Record<string, unknown>)[k]);
      return v === undefined ? [] : [[k, v]];
    }),
  );
  const length = number(data.length);
  const rAngle = number(data.rAngle);
  return [
    {
      seriesInstanceUID: ref.seriesUid,
      sopInstanceUID: ref.sopUid,
      frame: ref.frame,
      tool: m.tool as ReportedTool,
      handles,
      ...(length !== undefined ? { length } : {}),
      ...(rAngle !== undefined ? { rAngle } : {}),
      ...(typeof data.text === 'string' ? { text: data.text } : {}),
      ...(Object.keys(cachedStats).length > 0 ? { cachedStats } : {}),
    },
  ];
}

/** A short confirmation at the bottom of the screen (role status: read out, then gone). */
function notice(text: string): void {
  const el = document.createElement('p');
  el.setAttribute('role', 'status');
  el.dataset.testid = 'measurement-report-status';
  el.className = 'measurement-report-notice';
  el.textContent = text;
  Object.assign(el.style, {
    position: 'fixed',
    bottom: '1rem',
    left: '50%',
    transform: 'translateX(-50%)',
    padding: '0.5rem 1rem',
    background: 'var(--control-bg, #222)',
    color: '#fff',
    borderRadius: '4px',
    zIndex: '50',
  });
  document.body.append(el);
  window.setTimeout(() => el.remove(), NOTICE_MS);
}
