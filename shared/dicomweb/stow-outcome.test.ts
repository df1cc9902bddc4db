import { describe, expect, it } from 'vitest';
import { Tag } from '../dicom/tags';
import {
  FailureReason,
  WarningReason,
  decodeStowResponse,
  encodeStowResponse,
  stowResponseStatus,
  type StowInstanceOutcome,
} from './stow-outcome';

const ok: StowInstanceOutcome = {
  ok: true,
  sopClassUid: '1.2',
  sopInstanceUid: '1.3',
  studyInstanceUid: '1.4',
  seriesInstanceUid: '1.5',
  alreadyStored: false,
};
const failed: StowInstanceOutcome = { ok: false, failureReason: 0xc000, message: 'x' };

describe('stowResponseStatus', () => {
  it.each([
    [[], 400],
    [[ok], 200],
    [[ok, ok], 200],
    [[ok, failed], 202],
    [[failed, ok, ok], 202],
    [[failed], 409],
    [[failed, failed], 409],
  ] as const)('%j → %i', (outcomes, status) => {
    expect(stowResponseStatus(outcomes)).toBe(status);
  });
});

describe('the STOW-RS answer', () => {
  const base = 'https://pacs.example/dicom-web';
  const stored: StowInstanceOutcome = { ...ok, alreadyStored: false };
  const again: StowInstanceOutcome = { ...ok, sopInstanceUid: '1.6', alreadyStored: true };
  const duplicate = 'An instance with this SOP Instance UID is already stored with different content.';
  const refused: StowInstanceOutcome = {
    ok: false,
    sopClassUid: '1.2',
    sopInstanceUid: '1.7',
    failureReason: FailureReason.DuplicateSopInstance,
    message: duplicate,
  };
  const unreadable: StowInstanceOutcome = { ok: false, failureReason: FailureReason.CannotUnderstand, message: 'Not a Part 10 file.' };

  it('is encoded as PS3.18 Table 10.5.3-1 says', () => {
    const body = encodeStowResponse([stored, refused, again, unreadable], { base });
    expect(body[Tag.RetrieveURL]).toEqual({ vr: 'UR', Value: [`${base}/studies/1.4`] });
    const referenced = body[Tag.ReferencedSOPSequence]?.Value as Array<Record<string, unknown>>;
    expect(referenced[0]).toEqual({
      [Tag.ReferencedSOPClassUID]: { vr: 'UI', Value: ['1.2'] },
      [Tag.ReferencedSOPInstanceUID]: { vr: 'UI', Value: ['1.3'] },
      [Tag.RetrieveURL]: { vr: 'UR', Value: [`${base}/studies/1.4/series/1.5/instances/1.3`] },
    });
    expect(referenced[1]?.[Tag.WarningReason]).toEqual({ vr: 'US', Value: [0xb000] });
    const failedItems = body[Tag.FailedSOPSequence]?.Value as Array<Record<string, unknown>>;
    expect(failedItems[1]).toEqual({
      [Tag.ReferencedSOPClassUID]: { vr: 'UI' },
      [Tag.ReferencedSOPInstanceUID]: { vr: 'UI' },
      [Tag.FailureReason]: { vr: 'US', Value: [0xc000] },
      [Tag.ErrorComment]: { vr: 'LO', Value: ['Not a Part 10 file.'] },
    });
    expect(body[Tag.ErrorComment]).toBeUndefined();
  });

  it('names the study of the request URL, else the one study stored, else none', () => {
    expect(encodeStowResponse([unreadable], { base, studyUid: '9.9' })[Tag.RetrieveURL]?.Value).toEqual([`${base}/studies/9.9`]);
    const other: StowInstanceOutcome = { ...ok, studyInstanceUid: '2.4' };
    expect(encodeStowResponse([ok, other], { base })[Tag.RetrieveURL]).toBeUndefined();
    expect(encodeStowResponse([], { base })).toEqual({});
  });

  it('decodes what it encodes', () => {
    const body = encodeStowResponse([stored, refused, again, unreadable], { base, errorComment: 'The request body exceeds the limit.' });
    expect(decodeStowResponse(JSON.parse(JSON.stringify(body)) as typeof body)).toEqual({
      errorComment: 'The request body exceeds the limit.',
      referenced: [stored, again].map((o) => ({
        sopClassUid: '1.2',
        sopInstanceUid: o.sopInstanceUid,
        retrieveUrl: `${base}/studies/1.4/series/1.5/instances/${o.sopInstanceUid}`,
        studyInstanceUid: '1.4',
        seriesInstanceUid: '1.5',
        ...(o.ok && o.alreadyStored ? { warningReason: WarningReason.AlreadyStored } : {}),
        alreadyStored: o.ok && o.alreadyStored,
      })),
      failed: [
        { sopClassUid: '1.2', sopInstanceUid: '1.7', failureReason: 0x0111, errorComment: duplicate },
        { failureReason: 0xc000, errorComment: 'Not a Part 10 file.' },
      ],
    });
  });

  it('decodes an answer with attributes missing', () => {
    expect(decodeStowResponse({})).toEqual({ referenced: [], failed: [] });
    const sparse = { [Tag.ReferencedSOPSequence]: { vr: 'SQ', Value: [{}] }, [Tag.FailedSOPSequence]: { vr: 'SQ', Value: [{}] } };
    expect(decodeStowResponse(sparse)).toEqual({ referenced: [{ alreadyStored: false }], failed: [{}] });
  });
});
