import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { isValidUid } from '../../shared/dicom/uid';
import { AppError } from '../../shared/errors';

export interface InstanceReference {
  seriesInstanceUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
}

/**
 * Hierarchical SOP Instance Reference (PS3.3 Table C.17-3), an item of e.g. Current Requested
 * Procedure Evidence Sequence: the study's instances grouped by series, each instance once.
 */
export function hierarchicalReference(studyInstanceUid: string, instances: ReadonlyArray<InstanceReference>): DicomJson {
  const bySeries = new Map<string, Map<string, DicomJson>>();
  for (const { seriesInstanceUid, sopClassUid, sopInstanceUid } of instances) {
    if (![seriesInstanceUid, sopClassUid, sopInstanceUid].every(isValidUid)) {
      throw new AppError('INVALID_UID', 'An evidence reference has a UID that is not valid (PS3.5 9.1).');
    }
    const sops = bySeries.get(seriesInstanceUid) ?? new Map<string, DicomJson>();
    sops.set(sopInstanceUid, {
      [Tag.ReferencedSOPClassUID]: { vr: 'UI', Value: [sopClassUid] },
      [Tag.ReferencedSOPInstanceUID]: { vr: 'UI', Value: [sopInstanceUid] },
    });
    bySeries.set(seriesInstanceUid, sops);
  }
  const series = [...bySeries].map(([uid, sops]) => ({
    [Tag.ReferencedSOPSequence]: { vr: 'SQ', Value: [...sops.values()] },
    [Tag.SeriesInstanceUID]: { vr: 'UI', Value: [uid] },
  }));
  return {
    [Tag.ReferencedSeriesSequence]: { vr: 'SQ', Value: series },
    [Tag.StudyInstanceUID]: { vr: 'UI', Value: [studyInstanceUid] },
  };
}
