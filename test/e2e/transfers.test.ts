import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/access-client';
import { startBrowserArchive, stopBrowserArchive, type BrowserArchive } from '../helpers/browser-archive';
import { signIn } from '../helpers/browser';
import { CORPUS_DIR } from '../helpers/corpus';
import { expectStored } from '../helpers/dicomweb-http';
import { saveScreenshot } from '../helpers/screenshots';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { storedDigests } from '../helpers/transfer-jobs';

const seriesFiles = (dir: string, count: number) =>
  fs
    .readdirSync(path.join(CORPUS_DIR, dir))
    .sort()
    .slice(0, count)
    .map((name) => fs.readFileSync(path.join(CORPUS_DIR, dir, name)));
/** Ours: 6 slices of the real abdominal CT. The central hospital's: the MR localizer (21 images). */
const CT = seriesFiles('series/ct-abdomen-philips-tcia', 6);
const MR = seriesFiles('series/mr-ge-premier-study/01-3plane-localizer', 21);
const CT_STUDY = '1.3.6.1.4.1.14519.5.2.1.21087345762211724523378497892240459677';
const PEER_ACCOUNT = { username: 'district-a', password: 'district-a-password-1', role: 'radiologist' } as const;

/** Waits until the Transfers page shows the job of `studyUid` in `status`, and returns its row's progress text. */
async function transferRow(page: Page, studyUid: string, status: string): Promise<string> {
  const row = await page.waitForSelector(`[data-testid="transfer-row"][data-study-instance-uid="${studyUid}"][data-status="${status}"]`, {
    timeout: 60_000,
  });
  return (await row.$eval('[data-testid="transfer-progress-text"]', (el) => el.textContent)) ?? '';
}

/**
 * Exchange between hospitals in the browser (issue 13 item 5): an admin sets up the central
 * hospital's archive as a peer, sends a study there from the worklist and watches it to done on
 * the Transfers page, then finds a study of the central archive in the Remote tab and fetches it.
 */
describe('transfers in Chromium', () => {
  let started: Partial<BrowserArchive> = {};
  let central: TestArchive;
  let mrStudy: string;

  beforeAll(async () => {
    [started, central] = await Promise.all([startBrowserArchive(CT), startTestArchive()]);
    await createUser(central, PEER_ACCOUNT);
    await expectStored(central, MR);
    mrStudy = dicomParser.parseDicom(MR[0]!).string('x0020000d')!;
  }, 90_000);
  afterAll(async () => {
    await stopBrowserArchive(started);
    await central?.stop();
  });

  it('configures a peer, sends a study with Send to…, follows it to done, and fetches a study from the Remote tab', async () => {
    const { archive, browser } = started as BrowserArchive;
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, archive);

    // The central hospital as a peer, set up in the admin page.
    await page.goto(`${archive.url}/admin/peers`);
    await page.waitForSelector('[data-testid="admin-peers"][data-state="done"]');
    await page.fill('[data-testid="peer-name"]', 'Central hospital');
    await page.fill('[data-testid="peer-url"]', central.dicomWeb);
    await page.selectOption('[data-testid="peer-auth"]', 'basic');
    await page.fill('[data-testid="peer-username"]', PEER_ACCOUNT.username);
    await page.fill('[data-testid="peer-password"]', PEER_ACCOUNT.password);
    await page.click('[data-testid="peer-save"]');
    await page.waitForSelector('[data-testid="peer-row"]');

    // Send to… from the worklist row of our CT.
    await page.goto(archive.url);
    const ctRow = page.locator(`[data-testid="study-row"][data-study-instance-uid="${CT_STUDY}"]`);
    await ctRow.locator('[data-testid="study-send"]').click();
    await page.waitForSelector('[data-testid="send-dialog"][open][data-peers="1"]');
    expect(await page.locator('[data-testid="send-peer"] option').allTextContents()).toEqual(['Central hospital']);
    await page.click('[data-testid="send-submit"]');
    expect(await (await page.waitForSelector('[data-testid="send-queued"] a')).textContent()).toBe('Follow it in Transfers');
    await page.click('[data-testid="send-open-transfers"]');
    await page.waitForSelector('[data-testid="transfers-page"]');
    expect(await transferRow(page, CT_STUDY, 'done')).toMatch(/^6 of 6 images · [\d.]+ MB of [\d.]+ MB$/);
    const sent = page.locator(`[data-testid="transfer-row"][data-study-instance-uid="${CT_STUDY}"]`);
    expect(await sent.locator('[data-testid="transfer-peer"]').textContent()).toBe('Send to Central hospital');
    expect(await sent.locator('[data-testid="transfer-study"]').textContent()).toContain('PANCREAS');
    // On the peer: the same six instances, byte for byte.
    const [ours, theirs] = await Promise.all([storedDigests(archive, CT_STUDY), storedDigests(central, CT_STUDY)]);
    expect(theirs.size).toBe(6);
    expect(theirs).toEqual(ours);

    // The Remote tab searches the central archive through ours; Fetch brings its MR here.
    await page.goto(archive.url);
    await page.click('[data-testid="worklist-remote"]');
    await page.waitForSelector('[data-testid="worklist"][data-archive="remote"][data-state="done"]');
    await saveScreenshot(page, 'worklist-remote-en.png');
    const remoteRows = page.locator('[data-testid="study-row"]');
    expect(await remoteRows.count()).toBe(2); // the MR, and the CT we just sent
    const mrRow = page.locator(`[data-testid="study-row"][data-study-instance-uid="${mrStudy}"]`);
    await mrRow.locator('[data-testid="study-fetch"]').click();
    await page.waitForSelector('[data-testid="fetch-open-transfers"]');
    await page.click('[data-testid="fetch-open-transfers"]');
    expect(await transferRow(page, mrStudy, 'done')).toMatch(/^21 of 21 images · /);
    const fetched = page.locator(`[data-testid="transfer-row"][data-study-instance-uid="${mrStudy}"]`);
    expect(await fetched.locator('[data-testid="transfer-peer"]').textContent()).toBe('Fetch from Central hospital');
    expect(await storedDigests(archive, mrStudy)).toEqual(await storedDigests(central, mrStudy));
    await saveScreenshot(page, 'transfers-en.png');
    await page.click('[data-testid="language-vi"]');
    await transferRow(page, mrStudy, 'done');
    expect(await fetched.locator('[data-testid="transfer-peer"]').textContent()).toBe('Lấy về từ Central hospital');
    await saveScreenshot(page, 'transfers-vi.png');
    await page.click('[data-testid="language-en"]');

    // Back on this archive's worklist, the fetched study is there to open.
    await page.click('[data-testid="nav-worklist"]');
    await page.click('[data-testid="worklist-local"]');
    await page.waitForSelector(
      `[data-testid="worklist"][data-archive="local"] [data-testid="study-row"][data-study-instance-uid="${mrStudy}"]`,
    );
    await context.close();
  }, 120_000);
});
