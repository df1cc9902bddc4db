import { describe, expect, it } from 'vitest';
import { stowResponseStatus, type StowInstanceOutcome } from './stow-outcome';

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
