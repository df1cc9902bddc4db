import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn } from '../helpers/browser';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

// dcmjs ships no type declarations: only reading and writing a Part 10 file are used.
const dcmjs = createRequire(import.meta.url)('dcmjs') as {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer): { dict: Record<string, { vr: string; Value?: unknown[] }>; write(): ArrayBuffer } };
  };
  log: { setLevel(level: string): void };
};
dcmjs.log.setLevel('silent');

const PAYLOAD = '<img src=x onerror=alert(1)>';
/**
 * In a PN value '=' separates the component groups (PS3.5 6.2.1.1): the archive reads the payload
 * as Alphabetic "<img src", Ideographic "x onerror", Phonetic "alert(1)>". The worklist and the
 * overlay show the Alphabetic group; the tag browser the whole value. The Study Description (LO)
 * carries the payload whole into the worklist and the overlay as well.
 */
const PAYLOAD_ALPHABETIC = '<img src';

/** The corpus CT with the payload as its Patient Name and Study Description, written by dcmjs. */
function poisonedCt(): Buffer {
  const source = corpusFile('series/ct-abdomen-philips-tcia/1-036.dcm');
  const file = dcmjs.data.DicomMessage.readFile(source.buffer.slice(source.byteOffset, source.byteOffset + source.length) as ArrayBuffer);
  file.dict['00100010'] = { vr: 'PN', Value: [{ Alphabetic: PAYLOAD }] };
  file.dict['00081030'] = { vr: 'LO', Value: [PAYLOAD] };
  return Buffer.from(file.write());
}

describe('patient data that looks like HTML stays text (issue 5: XSS)', () => {
  let archive: TestArchive;
  let browser: Browser;
  const ct = corpusEntry('series/ct-abdomen-philips-tcia/1-036.dcm');

  beforeAll(async () => {
    archive = await startTestArchive();
    await expectStored(archive, [poisonedCt()]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await archive?.stop();
  });

  it('serves the app with the Content-Security-Policy', async () => {
    const res = await archive.fetch('/');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("object-src 'none'");
    // No inline script may run: an onerror attribute that slipped into the page would be refused too.
    expect(/script-src [^;]*'unsafe-inline'/.test(csp)).toBe(false);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('shows the payload as text in the worklist, the viewer overlay and the tag browser; no element is made from it and nothing runs', async () => {
    const stored = (await (
      await archive.fetch(`${archive.dicomWeb}/studies?StudyInstanceUID=${ct.studyInstanceUID}&includefield=00081030`)
    ).json()) as Array<Record<string, { Value?: unknown[] }>>;
    expect(stored[0]?.['00100010']?.Value?.[0]).toEqual({ Alphabetic: '<img src', Ideographic: 'x onerror', Phonetic: 'alert(1)>' });
    expect(stored[0]?.['00081030']?.Value?.[0]).toBe(PAYLOAD);

    const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const noInjectedElement = async (where: string) => {
      expect(await page.locator('img[src="x"]').count(), where).toBe(0);
      expect(await page.locator('img[onerror]').count(), where).toBe(0);
    };
    await signIn(page, archive);

    // Worklist
    await page.goto(`${archive.url}/`);
    await page.waitForSelector('[data-testid="worklist"][data-state="done"]');
    const row = page.locator(`[data-testid="study-row"][data-study-instance-uid="${ct.studyInstanceUID}"]`);
    expect(await row.locator('td[data-column="patientName"]').textContent()).toBe(PAYLOAD_ALPHABETIC);
    expect(await row.locator('td[data-column="studyDescription"]').textContent()).toBe(PAYLOAD);
    expect(await row.getByText(PAYLOAD, { exact: true }).isVisible()).toBe(true);
    await noInjectedElement('worklist');

    // Viewer overlay
    await row.click();
    await page.waitForURL((url) => url.pathname === '/viewer');
    await page.waitForSelector('[data-testid="viewport"][data-active="true"][data-rendered-image-id]');
    expect(await page.textContent('[data-testid="overlay-top-left"]')).toContain(PAYLOAD_ALPHABETIC);
    expect(await page.textContent('[data-testid="overlay-top-right"]')).toContain(PAYLOAD);
    expect(await page.locator('[data-testid="overlay-top-right"]').getByText(PAYLOAD, { exact: true }).isVisible()).toBe(true);
    await noInjectedElement('overlay');

    // Tag browser: the whole Patient Name value, component groups joined by '=' as stored.
    await page.keyboard.press('t');
    await page.waitForSelector(`[data-testid="tag-panel"][data-state="ready"][data-sop-uid="${ct.sopInstanceUID}"]`);
    const patientName = page.locator('[data-testid="tag-row"][data-depth="0"][data-tag="00100010"] [data-testid="tag-value"]');
    expect((await patientName.textContent())?.trim()).toBe(PAYLOAD);
    expect(await patientName.isVisible()).toBe(true);
    const description = page.locator('[data-testid="tag-row"][data-depth="0"][data-tag="00081030"] [data-testid="tag-value"]');
    expect((await description.textContent())?.trim()).toBe(PAYLOAD);
    await noInjectedElement('tag browser');

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
