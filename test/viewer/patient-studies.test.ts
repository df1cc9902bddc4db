import { describe, expect, it } from 'vitest';
import { Tag } from '../../shared/dicom/tags';
import { patientIdentityOf, patientStudiesQuery, samePatientNewestFirst, type PatientStudy } from '../../viewer/src/priors/patient-studies';

const study = (uid: string, patientId: string, issuer: string, studyDate: string, studyTime = ''): PatientStudy => ({
  studyInstanceUid: uid,
  patientName: 'NGUYEN VAN A',
  patientId,
  issuer,
  accessionNumber: '',
  studyDate,
  studyTime,
  modalities: ['CT'],
  studyDescription: '',
  numberOfSeries: 1,
  numberOfInstances: 40,
});

describe("the patient's studies", () => {
  it('are asked for by Patient ID and, where there is one, its issuer; the issuer and description come back', () => {
    const query = patientStudiesQuery({ patientId: 'BN*01', issuer: 'BV-CHORAY' });
    expect(query.get('PatientID')).toBe('BN*01');
    expect(query.get('IssuerOfPatientID')).toBe('BV-CHORAY');
    expect(query.get('includefield')).toBe(`${Tag.IssuerOfPatientID},${Tag.StudyDescription}`);
    expect(patientStudiesQuery({ patientId: 'BN01', issuer: '' }).has('IssuerOfPatientID')).toBe(false);
  });

  it('are only those of the same ID (literally) and issuer, newest first', () => {
    const patient = { patientId: 'BN*01', issuer: 'BV-CHORAY' };
    const found = [
      study('old', 'BN*01', 'BV-CHORAY', '20190305'),
      study('new-morning', 'BN*01', 'BV-CHORAY', '20240105', '0800'),
      study('wildcard-match', 'BN0001', 'BV-CHORAY', '20240106'),
      study('other-issuer', 'BN*01', 'BV-BACHMAI', '20240107'),
      study('no-issuer', 'BN*01', '', '20240108'),
      study('new-evening', 'BN*01', 'BV-CHORAY', '20240105', '1930'),
      study('undated', 'BN*01', 'BV-CHORAY', ''),
    ];
    expect(samePatientNewestFirst(patient, found).map((s) => s.studyInstanceUid)).toEqual(['new-evening', 'new-morning', 'old', 'undated']);
    expect(samePatientNewestFirst({ patientId: 'BN*01', issuer: '' }, found).map((s) => s.studyInstanceUid)).toEqual(['no-issuer']);
  });

  it('belong to the Patient ID and issuer of the current study; no ID, no patient', () => {
    expect(
      patientIdentityOf({ [Tag.PatientID]: { vr: 'LO', Value: ['BN01 '] }, [Tag.IssuerOfPatientID]: { vr: 'LO', Value: ['BV-CHORAY'] } }),
    ).toEqual({ patientId: 'BN01', issuer: 'BV-CHORAY' });
    expect(patientIdentityOf({ [Tag.PatientID]: { vr: 'LO', Value: ['BN01'] } })).toEqual({ patientId: 'BN01', issuer: '' });
    expect(patientIdentityOf({ [Tag.PatientName]: { vr: 'PN', Value: [{ Alphabetic: 'A' }] } })).toBeUndefined();
  });
});
