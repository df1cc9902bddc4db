/** Frame bytes received per series, whichever way they were loaded (for the series browser's progress). */
const received = new Map<string, number>();

export function addSeriesBytes(seriesUid: string, bytes: number): void {
  received.set(seriesUid, (received.get(seriesUid) ?? 0) + bytes);
}

export function seriesBytes(seriesUid: string): number {
  return received.get(seriesUid) ?? 0;
}

export function forgetSeriesBytes(): void {
  received.clear();
}
