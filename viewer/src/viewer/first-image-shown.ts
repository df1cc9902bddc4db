/**
 * Resolves once the viewer has drawn its first image, so the requests the first image does not
 * need (the patient's other studies, the key images) do not compete with it: over a thin link
 * every byte before it counts, and on loopback the archive's CPU does. A study with nothing to
 * draw resolves it at once; a fallback after a few seconds keeps the panels from waiting forever.
 */
const FALLBACK_MS = 3000;

let resolveShown: () => void = () => {};
let shown = pending();

function pending(): Promise<void> {
  return new Promise<void>((resolve) => {
    resolveShown = resolve;
    setTimeout(resolve, FALLBACK_MS);
  });
}

export function firstImageShown(): Promise<void> {
  return shown;
}

export function markFirstImageShown(): void {
  resolveShown();
}

/** When the viewer page is left: the next study waits for its own first image. */
export function resetFirstImageShown(): void {
  resolveShown();
  shown = pending();
}
