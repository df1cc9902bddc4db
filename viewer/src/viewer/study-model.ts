/**
 * The study as the viewer shows it: its series (QIDO-RS), each with its instances' DICOM JSON
 * (the study's metadata, fetched once) sorted by InstanceNumber and one image id per frame.
 * Several studies (a current and its priors) are their series one study after the other.
 */
import { getNumber, getString, type DicomJson } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';
import { imagePlaneOf, type ImagePlane } from '../geometry/image-plane';
import { frameAttributes, isDisplayable } from '../imaging/image-attributes';
import { imageIdOf, parseImageId, rememberInstance } from '../imaging/image-ids';
import { retrieveSeriesMetadata } from '../dicomweb/retrieve';
import { searchForSeries } from '../dicomweb/search';
import { studyData } from './early-study-data';

export interface SeriesModel {
  studyUid: string;
  /** DICOM DA of the series' study ('' when absent), to tell a current study from its priors. */
  studyDate: string;
  studyDescription: string;
  seriesUid: string;
  number?: number;
  description: string;
  modality: string;
  instanceCount: number;
  /** Images in display order: every frame of every displayable instance. */
  imageIds: string[];
  /** The instance of each image id (same index). */
  instances: DicomJson[];
  displayable: boolean;
}

/** Several studies side by side (`StudyInstanceUIDs=uid1,uid2`): their series, study by study in the order given. */
export async function loadStudies(studyUids: readonly string[]): Promise<SeriesModel[]> {
  return (await Promise.all(studyUids.map(loadStudy))).flat();
}

export async function loadStudy(studyUid: string): Promise<SeriesModel[]> {
  // The series list and the study's metadata side by side: over a slow link, one round trip less
  // before the first image than the metadata of each series after the list. Those main.ts asked
  // for at start when there are.
  const data = studyData(studyUid);
  const [found, metadata] = await Promise.all([data.series, data.metadata]);
  const bySeries = new Map<string, DicomJson[]>();
  for (const instance of metadata) {
    const uid = getString(instance, Tag.SeriesInstanceUID) ?? '';
    const list = bySeries.get(uid);
    if (list) list.push(instance);
    else bySeries.set(uid, [instance]);
  }
  const series = found.map((s) => seriesModel(studyUid, s, bySeries.get(getString(s, Tag.SeriesInstanceUID) ?? '') ?? []));
  return byNumber(series);
}

/**
 * The study's series asked for again (QIDO-RS) after the viewer stored something in it (a signed
 * report, a measurement report): the image series it already shows are kept as they are (the
 * panes hold them), every other one is built from its series' metadata (WADO-RS), so a new
 * series appears and a document series counts its new version.
 */
export async function reloadStudySeries(studyUid: string, shown: readonly SeriesModel[]): Promise<SeriesModel[]> {
  const kept = new Map(shown.filter((s) => s.studyUid === studyUid && s.displayable).map((s) => [s.seriesUid, s]));
  const found = await searchForSeries(studyUid);
  const series = await Promise.all(
    found.map(async (qido) => {
      const seriesUid = getString(qido, Tag.SeriesInstanceUID) ?? '';
      return kept.get(seriesUid) ?? seriesModel(studyUid, qido, await retrieveSeriesMetadata(studyUid, seriesUid));
    }),
  );
  return byNumber(series);
}

const byNumber = (series: SeriesModel[]) => series.sort((a, b) => (a.number ?? Infinity) - (b.number ?? Infinity));

function seriesModel(studyUid: string, qido: DicomJson, metadata: DicomJson[]): SeriesModel {
  const seriesUid = getString(qido, Tag.SeriesInstanceUID) ?? '';
  metadata.sort((a, b) => (getNumber(a, Tag.InstanceNumber) ?? 0) - (getNumber(b, Tag.InstanceNumber) ?? 0));
  const imageIds: string[] = [];
  const instances: DicomJson[] = [];
  for (const instance of metadata) {
    if (!isDisplayable(instance)) continue;
    const sopUid = getString(instance, Tag.SOPInstanceUID) ?? '';
    rememberInstance(sopUid, instance);
    const frames = frameAttributes(instance).numberOfFrames;
    for (let frame = 1; frame <= frames; frame++) {
      imageIds.push(imageIdOf({ studyUid, seriesUid, sopUid, frame }));
      instances.push(instance);
    }
  }
  const first = metadata[0];
  return {
    studyUid,
    studyDate: getString(first, Tag.StudyDate) ?? '',
    studyDescription: getString(first, Tag.StudyDescription) ?? '',
    seriesUid,
    number: getNumber(qido, Tag.SeriesNumber) ?? getNumber(first, Tag.SeriesNumber),
    description: getString(qido, Tag.SeriesDescription) ?? getString(first, Tag.SeriesDescription) ?? '',
    modality: getString(qido, Tag.Modality) ?? getString(first, Tag.Modality) ?? '',
    instanceCount: getNumber(qido, Tag.NumberOfSeriesRelatedInstances) ?? metadata.length,
    imageIds,
    instances,
    displayable: imageIds.length > 0,
  };
}

/** The plane of each image of a series (same index as its imageIds); undefined where an image has no geometry. */
export function seriesPlanes(s: SeriesModel): (ImagePlane | undefined)[] {
  return s.imageIds.map((imageId, i) => {
    const instance = s.instances[i];
    return instance ? imagePlaneOf(instance, parseImageId(imageId).frame) : undefined;
  });
}
