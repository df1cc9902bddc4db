import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteAe } from '../../shared/api/dimse';
import type { PeerSummary } from '../../shared/api/exchange';
import { DimseClient } from '../../server/dimse/dimse-client';
import { VERIFICATION_SOP_CLASS } from '../../server/dimse/sop-classes';
import { startBrowserArchive, stopBrowserArchive, type BrowserArchive } from '../helpers/browser-archive';
import { signIn } from '../helpers/browser';
import { afterListReload } from '../helpers/admin-list-reload';
import { corpusFile } from '../helpers/corpus';
import { runDcmtk, startStorescp, type Storescp } from '../helpers/dcmtk';
import { freeLoopbackPort } from '../helpers/free-port';
import { addDimsePeer, addRemoteAe } from '../helpers/remote-aes';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

/** Waits for the associations panel to be drawn again by its own 2 s refresh, no click. */
const nextDraw = async (page: Page) => {
  const since = Number(await page.getAttribute('[data-testid="associations"]', 'data-loads'));
  await page.waitForSelector(`[data-testid="associations"][data-loads="${since + 1}"]`, { timeout: 10_000 });
};

/** With PACS_SCREENSHOT_DIR set, the page or one part of it as `name`.png there (for looking at the layout). */
async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  const dir = process.env.PACS_SCREENSHOT_DIR;
  if (!dir) return;
  if (selector) await page.locator(selector).screenshot({ path: `${dir}/${name}.png` });
  else await page.screenshot({ path: `${dir}/${name}.png` });
}

/**
 * The DICOM devices page against real DIMSE peers: "Test" (a C-ECHO from the archive) answered by
 * DCMTK's storescp, and a device nothing listens for; the associations table showing an
 * association held open by a modality, then among the recent ones with its outcome, echoscu's
 * too; English and Vietnamese. A DICOM device made a peer in the Peers form; a DIMSE peer in the
 * worklist's Remote archive tab and in Send to….
 */
describe('DICOM devices: connection test and associations, in Chromium', () => {
  let started: Partial<BrowserArchive> = {};
  let storescp: Storescp | undefined;
  let dir = '';
  const devices = new Map<string, RemoteAe>();

  beforeAll(async () => {
    started = await startBrowserArchive([corpusFile('series/ct-abdomen-philips-tcia/1-036.dcm')], { PACS_DIMSE_AE_TITLE: 'PACS' });
    dir = await makeTempDir('associations-e2e');
    storescp = await startStorescp(dir, 'WARD_SCP');
    const { archive } = started as BrowserArchive;
    for (const device of [
      { aeTitle: 'WARD_SCP', host: '127.0.0.1', port: storescp.port, description: 'storescp' },
      { aeTitle: 'GONE_SCP', host: '127.0.0.1', port: await freeLoopbackPort(), description: 'nothing listens' },
      { aeTitle: 'US_ROOM_3', host: '127.0.0.1', description: 'siêu âm phòng 3' },
    ]) {
      devices.set(device.aeTitle, await addRemoteAe(archive, device));
    }
  }, 90_000);
  afterAll(async () => {
    await storescp?.stop();
    await stopBrowserArchive(started);
    if (dir) await removeTempDir(dir);
  });

  /** A new page in English, signed in as the admin, at `path`. */
  const adminPage = async (path: string) => {
    const { archive, browser } = started as BrowserArchive;
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, archive);
    await page.goto(`${archive.url}${path}`);
    return { context, page };
  };
  const row = (page: Page, aeTitle: string) =>
    page.locator(`[data-testid="remote-ae-row"][data-remote-ae-id="${devices.get(aeTitle)!.id}"]`);
  const test = async (page: Page, aeTitle: string) => {
    const result = row(page, aeTitle).locator('[data-testid="remote-ae-test-result"]');
    await row(page, aeTitle).locator('[data-testid="remote-ae-test"]').click();
    await result.locator('xpath=self::*[@data-outcome]').waitFor({ timeout: 20_000 });
    return { outcome: await result.getAttribute('data-outcome'), text: await result.textContent() };
  };

  it('tests a device with a C-ECHO: answered with its round trip, or why not, in English and Vietnamese', async () => {
    const { context, page } = await adminPage('/admin/dimse');
    await page.waitForSelector('[data-testid="admin-dimse"][data-state="done"]');

    const ok = await test(page, 'WARD_SCP');
    expect(ok.outcome).toBe('ok');
    expect(ok.text).toMatch(/^Answered \(C-ECHO\) in \d+ ms\.$/);
    const gone = await test(page, 'GONE_SCP');
    expect(gone.outcome).toBe('unreachable');
    // In English the archive's own sentence, naming where it called.
    expect(gone.text).toContain(String(devices.get('GONE_SCP')!.port));
    const noPort = await test(page, 'US_ROOM_3');
    expect(noPort.outcome).toBe('no-port');

    await page.click('[data-testid="language-vi"]');
    await page.waitForSelector('html[lang="vi"] [data-testid="admin-dimse"][data-state="done"]');
    expect(await row(page, 'WARD_SCP').locator('[data-testid="remote-ae-test"]').textContent()).toBe('Kiểm tra');
    expect((await test(page, 'WARD_SCP')).text).toMatch(/^Thiết bị đã trả lời \(C-ECHO\) sau \d+ ms\.$/);
    expect(await test(page, 'GONE_SCP')).toEqual({
      outcome: 'unreachable',
      text: 'Không kết nối được: không có thiết bị nào trả lời ở địa chỉ và cổng này.',
    });
    expect((await test(page, 'US_ROOM_3')).text).toBe('Chưa đặt cổng: hãy nhập cổng mà thiết bị nhận kết nối để kiểm tra.');
    await screenshot(page, 'admin-dimse-test-vi', '[data-testid="remote-aes-table"]');
    await context.close();
  }, 90_000);

  it('shows an association while it is open, then among the recent ones with its outcome; echoscu and a stranger too', async () => {
    const { archive } = started as BrowserArchive;
    const { context, page } = await adminPage('/admin/dimse');
    await page.waitForSelector('[data-testid="associations"][data-loads="1"]');
    expect(await page.textContent('[data-testid="associations-active-empty"]')).toBe('No device is connected now.');

    // A modality holds an association open; the page shows it at its next refresh, without a click.
    const client = await DimseClient.open({
      host: '127.0.0.1',
      port: archive.dimse!.port,
      calledAeTitle: 'PACS',
      callingAeTitle: 'US_ROOM_3',
      contexts: [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: ['1.2.840.10008.1.2'] }],
    });
    const active = page.locator('[data-testid="associations-active"] [data-testid="association-row"][data-calling-ae="US_ROOM_3"]');
    await active.waitFor({ timeout: 10_000 });
    const cells = (locator: typeof active, names: string[]) =>
      Promise.all(names.map((name) => locator.locator(`[data-testid="association-cell-${name}"]`).textContent()));
    expect(await cells(active, ['calling', 'address', 'stored', 'failed', 'requests', 'running'])).toEqual([
      'US_ROOM_3',
      '127.0.0.1',
      '0',
      '0',
      'none',
      'waiting',
    ]);
    await client.release();
    await runDcmtk('echoscu', ['-aet', 'US_ROOM_3', '-aec', 'PACS', '127.0.0.1', String(archive.dimse!.port)]).then((echo) =>
      expect(echo.code, echo.output).toBe(0),
    );
    await runDcmtk('echoscu', ['-aet', 'STRANGER', '-aec', 'PACS', '127.0.0.1', String(archive.dimse!.port)]);

    const recent = page.locator('[data-testid="associations-recent"] [data-testid="association-row"]');
    await expect.poll(() => recent.count(), { timeout: 10_000 }).toBe(3);
    await page.waitForSelector('[data-testid="associations-active-empty"]');
    const rows = await recent.evaluateAll((trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-calling-ae'),
        tr.querySelector('[data-column="outcome"]')!.textContent,
        tr.getAttribute('data-outcome'),
      ]),
    );
    expect(rows).toEqual([
      ['STRANGER', 'refused', 'rejected'],
      ['US_ROOM_3', 'ended normally', 'released'],
      ['US_ROOM_3', 'ended normally', 'released'],
    ]);
    expect(await recent.first().locator('[data-testid="association-cell-detail"]').textContent()).toBe(
      'calling AE title "STRANGER" from 127.0.0.1 is not a known remote AE',
    );

    await page.click('[data-testid="language-vi"]');
    await page.waitForSelector('html[lang="vi"] [data-testid="associations-recent"]');
    expect(await recent.first().locator('[data-testid="association-cell-outcome"]').textContent()).toBe('bị từ chối');
    expect(await page.textContent('[data-testid="associations-active-empty"]')).toBe('Hiện không có thiết bị nào đang kết nối.');
    // Still refreshed every 2 s while the page is open; not once it is left.
    await nextDraw(page);
    await screenshot(page, 'admin-dimse-associations-vi', '[data-testid="associations"]');
    await page.goto(`${archive.url}/admin/peers`);
    await page.waitForSelector('[data-testid="admin-peers"][data-state="done"]');
    let polled = 0;
    page.on('request', (request) => void (request.url().endsWith('/api/dimse/associations') && polled++));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(polled).toBe(0);
    await context.close();
  }, 90_000);

  it('makes a DICOM device a peer in the Peers form: a known AE with a port instead of a URL, tested with a C-ECHO', async () => {
    const { archive } = started as BrowserArchive;
    const { context, page } = await adminPage('/admin/peers');
    await page.waitForSelector('[data-testid="admin-peers"][data-state="done"]');
    expect(await page.isVisible('[data-testid="peer-remote-ae"]')).toBe(false);
    await page.selectOption('[data-testid="peer-kind"]', 'dimse');
    for (const field of ['peer-url', 'peer-auth', 'peer-send-syntax', 'peer-ca', 'peer-username', 'peer-token'])
      expect(await page.isHidden(`[data-testid="${field}"]`), field).toBe(true);
    // Only the devices with a port can be called.
    const offered = await page.$$eval('[data-testid="peer-remote-ae"] option', (options) => options.map((o) => o.textContent));
    expect(offered).toEqual([
      `GONE_SCP (127.0.0.1:${devices.get('GONE_SCP')!.port}) nothing listens`,
      `WARD_SCP (127.0.0.1:${storescp!.port}) storescp`,
    ]);
    await page.selectOption('[data-testid="peer-remote-ae"]', devices.get('WARD_SCP')!.id);
    await page.fill('[data-testid="peer-name"]', 'Máy trạm siêu âm');
    await page.click('[data-testid="peer-test"]');
    const result = await page.waitForSelector('[data-testid="peer-test-result"][data-ok]', { timeout: 20_000 });
    expect(await result.getAttribute('data-ok'), (await result.textContent())!).toBe('true');
    expect(await result.textContent()).toMatch(/^Answered \(C-ECHO\) in \d+ ms\.$/);

    await screenshot(page, 'admin-peer-dimse', '[data-testid="peer-form"]');
    await afterListReload(page, 'admin-peers', () => page.click('[data-testid="peer-save"]'));
    expect(await page.textContent('[data-testid="admin-notice"]')).toBe('Peer Máy trạm siêu âm added.');
    const row = page.locator('[data-testid="peer-row"][data-kind="dimse"]');
    expect(await row.locator('[data-testid="peer-cell-url"]').textContent()).toBe(`WARD_SCP@127.0.0.1:${storescp!.port}`);
    expect(await row.locator('[data-testid="peer-cell-auth"]').textContent()).toBe('DICOM device (DIMSE)');
    const peers = (await (await archive.fetch('/api/peers')).json()) as PeerSummary[];
    expect(peers).toMatchObject([
      { kind: 'dimse', name: 'Máy trạm siêu âm', remoteAeId: devices.get('WARD_SCP')!.id, aeTitle: 'WARD_SCP' },
    ]);
    // Saved, it keeps its kind and device; the form shows no URL for it.
    expect(await page.isDisabled('[data-testid="peer-kind"]')).toBe(true);
    expect(await page.inputValue('[data-testid="peer-remote-ae"]')).toBe(devices.get('WARD_SCP')!.id);
    expect(await page.isHidden('[data-testid="peer-url"]')).toBe(true);

    // The Transfers page and the worklist's archive picker list it by name, like the DICOMweb peers.
    await page.goto(`${archive.url}/transfers`);
    await page.waitForSelector('[data-testid="transfers-page"][data-state="done"]');
    expect(await page.textContent('[data-testid="transfers-peer"] strong')).toBe('Máy trạm siêu âm');
    expect(await page.textContent('[data-testid="transfers-peers"]')).not.toContain('dicom://');
    await context.close();
  }, 90_000);

  it("searches a DIMSE peer in the worklist's Remote archive tab (a C-FIND, seen among the associations) and offers it in Send to…", async () => {
    const { archive } = started as BrowserArchive;
    // This archive as a DICOM device of its own: its AE title at its DIMSE port, allowed to query.
    const self = await addRemoteAe(archive, { aeTitle: 'PACS', host: '127.0.0.1', port: archive.dimse!.port, mayQuery: true });
    await addDimsePeer(archive, { name: 'Kho DIMSE', remoteAeId: self.id });

    const { context, page } = await adminPage('/');
    await page.waitForSelector('[data-testid="worklist"][data-archive="local"][data-state="done"]');
    await page.click('[data-testid="worklist-remote"]');
    await page.selectOption('[data-testid="worklist-peer"]', { label: 'Kho DIMSE' });
    await page.waitForSelector('[data-testid="worklist"][data-archive="remote"][data-state="done"] [data-testid="study-fetch"]');
    expect(await page.locator('[data-testid="study-row"]').count()).toBe(1);

    await page.click('[data-testid="worklist-local"]');
    await page.waitForSelector('[data-testid="worklist"][data-archive="local"][data-state="done"]');
    await page.locator('[data-testid="study-send"]').first().click();
    await page.waitForSelector('[data-testid="send-dialog"][open][data-peers="2"]');
    const offered = await page.$$eval('[data-testid="send-peer"] option', (options) => options.map((o) => o.textContent));
    expect(offered.sort()).toEqual(['Kho DIMSE', 'Máy trạm siêu âm']);

    await page.goto(`${archive.url}/admin/dimse`);
    const association = page.locator('[data-testid="associations-recent"] [data-testid="association-row"][data-calling-ae="PACS"]').first();
    await association.waitFor();
    expect(await association.locator('[data-testid="association-cell-outcome"]').textContent()).toBe('ended normally');
    expect(await association.locator('[data-testid="association-cell-requests"]').textContent()).toMatch(/^C-FIND \d+$/);
    await context.close();
  }, 90_000);
});
