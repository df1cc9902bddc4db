import dicomParser from 'dicom-parser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinLan, signIn } from '../helpers/browser';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { type TestArchive } from '../helpers/start-app';
import { startBrowserArchive, stopBrowserArchive } from '../helpers/browser-archive';
import { createAccount } from '../helpers/accounts';

/**
 * A consultation in two real browsers against the real archive (issue 5): the radiologist asks a
 * specialist from the viewer and gets the link once; the specialist opens it with no account,
 * reads the question, measures a length and answers in Vietnamese; the radiologist's worklist
 * shows the answer, the viewer shows the specialist's measurement under their name (not
 * deletable), and the opinion is a report series of the study.
 */
const SLICES = ['1-036.dcm', '1-037.dcm', '1-038.dcm'].map((name) => `series/ct-abdomen-philips-tcia/${name}`);
const RADIOLOGIST = { username: 'bs.lan', password: 'radiologist-password-1' };
const SPECIALIST = 'GS. Trần Văn Minh';
const QUESTION = 'Khối giảm tỷ trọng ở gan: u máu hay di căn?';
const OPINION = 'Nghĩ nhiều u máu gan điển hình, kích thước khoảng 2 cm.\nĐề nghị chụp MRI gan có tiêm thuốc để xác định.';
const VIEWPORT = { width: 1280, height: 860 };

interface StoredAnnotation {
  seriesInstanceUID: string;
  sopInstanceUID: string;
  frame: number;
  kind: string;
  data: { handles: Record<string, { x: number; y: number }> };
  author: { name: string; kind: string };
}

describe('consultation in Chromium: request, answer as a guest with a shared measurement, read the answer', () => {
  let archive: TestArchive;
  let browser: Browser;
  const ct = corpusEntry(SLICES[0]!);
  const studyUid = String(ct.studyInstanceUID);

  beforeAll(async () => {
    ({ archive, browser } = await startBrowserArchive(SLICES.map((p) => corpusFile(p))));
    await createAccount(archive, { ...RADIOLOGIST, role: 'radiologist', displayName: 'BS. Lan' });
  });
  afterAll(() => stopBrowserArchive({ archive, browser }));

  const waitForImage = (page: Page) =>
    page.waitForSelector('[data-testid="viewport"][data-active="true"][data-rendered-image-id]', { timeout: 20_000 });
  const watchErrors = (page: Page) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return errors;
  };

  it("goes from the request dialog to the answered consultation, with the specialist's length shared", async () => {
    // The radiologist asks from the viewer.
    const hostContext = await browser.newContext({ locale: 'en-US', viewport: VIEWPORT });
    // Measured text is checked on lossless pixels: not a preview, whatever the machine's load.
    await hostContext.addInitScript(pinLan);
    const host = await hostContext.newPage();
    const hostErrors = watchErrors(host);
    await signIn(host, archive, RADIOLOGIST);
    await host.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid}`);
    await waitForImage(host);
    await host.waitForSelector('[data-testid="viewer-page"][data-annotations="loaded"]');
    await host.click('[data-testid="consultation-button"]');
    const dialog = host.locator('[data-testid="consultation-dialog"]');
    await dialog.waitFor({ state: 'visible' });
    // Anonymizing would leave text burned into the pixels: the dialog says so.
    expect(await dialog.locator('[data-testid="consultation-anonymize-warning"]').textContent()).toContain('burned into the pixels');
    // Nothing is sent without a question.
    await dialog.locator('[data-testid="consultation-specialist-name"]').fill(SPECIALIST);
    await dialog.locator('[data-testid="consultation-submit"]').click();
    expect(await dialog.locator('[data-testid="consultation-error"]').textContent()).toBe('Enter the clinical question.');
    await dialog.locator('[data-testid="consultation-specialist-institution"]').fill('Bệnh viện Bạch Mai');
    await dialog.locator('[data-testid="consultation-specialist-contact"]').fill('minh@bachmai.vn');
    await dialog.locator('[data-testid="consultation-question"]').fill(QUESTION);
    await dialog.locator('[data-testid="consultation-urgency"]').selectOption('urgent');
    await dialog.locator('[data-testid="consultation-requester-institution"]').fill('Bệnh viện huyện Sóc Sơn');
    await dialog.locator('[data-testid="consultation-expiry-days"]').fill('2');
    await dialog.locator('[data-testid="consultation-submit"]').click();
    const link = await dialog.locator('[data-testid="consultation-url"]').inputValue();
    expect(link).toMatch(new RegExp(`^${archive.url}/share#[A-Za-z0-9_-]{22,}$`));
    // Valid for the 2 days asked (to the minute).
    const [consultation] = (await (await archive.fetch('/api/consultations?all=true')).json()) as Array<{
      id: string;
      status: string;
      shareId: string;
    }>;
    expect(consultation!.status).toBe('requested');
    const shares = (await (await archive.fetch('/api/shares?all=true')).json()) as Array<{
      id: string;
      expiresAt: string;
      consultationId: string;
    }>;
    const share = shares.find((s) => s.consultationId === consultation!.id)!;
    expect(Math.abs(Date.parse(share.expiresAt) - Date.now() - 48 * 3600_000)).toBeLessThan(120_000);
    // The link is shown once: closing the dialog forgets it.
    await dialog.locator('[data-testid="consultation-dialog-close"]').click();
    await host.click('[data-testid="consultation-button"]');
    expect(await dialog.locator('[data-testid="consultation-url"]').count()).toBe(0);
    await dialog.locator('[data-testid="consultation-dialog-close"]').click();

    // The specialist: a fresh browser with no account opens the link.
    const guestContext = await browser.newContext({ locale: 'vi-VN', viewport: VIEWPORT });
    await guestContext.addInitScript(pinLan);
    const guest = await guestContext.newPage();
    const guestErrors = watchErrors(guest);
    await guest.goto(link);
    await waitForImage(guest);
    const panel = guest.locator('[data-testid="consultation-panel"][data-state="ready"]');
    await panel.waitFor();
    expect(await panel.getAttribute('data-status')).toBe('viewed');
    expect(await panel.locator('[data-testid="consultation-question-text"]').textContent()).toBe(QUESTION);
    expect(await panel.locator('[data-testid="consultation-urgency"]').textContent()).toBe('Mức độ khẩn: khẩn');
    expect(await panel.locator('[data-testid="consultation-from"]').textContent()).toBe('Nơi gửi: Bệnh viện huyện Sóc Sơn');
    expect(await panel.locator('[data-testid="consultation-author-name"]').inputValue()).toBe(SPECIALIST);
    // A guest may not ask consultations of others.
    expect(await guest.locator('[data-testid="consultation-button"]').count()).toBe(0);

    // The specialist measures a length on the first image: it is saved in the archive at once.
    await guest.waitForSelector('[data-testid="viewer-page"][data-annotations="loaded"]');
    const imageId = (await guest.getAttribute('[data-testid="viewport"][data-active="true"]', 'data-rendered-image-id'))!;
    const [, seriesUid, sopUid, frame] = /^dicomweb:[0-9.]+\/([0-9.]+)\/([0-9.]+)\/(\d+)$/.exec(imageId)!;
    await guest.click('[data-testid="tool-Length"]');
    const box = (await guest.locator('[data-testid="viewport"][data-active="true"] [data-testid="viewport-image"]').boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await guest.mouse.move(cx - 100, cy - 40);
    await guest.mouse.down();
    await guest.mouse.move(cx, cy, { steps: 5 });
    await guest.mouse.move(cx + 100, cy + 40, { steps: 5 });
    await guest.mouse.up();
    await guest.waitForSelector('[data-testid="measurement"][data-tool="Length"]');
    const guestMm = Number(await guest.getAttribute('[data-testid="measurement"][data-tool="Length"]', 'data-value'));
    await guest.waitForSelector('[data-testid="viewer-page"][data-annotations-saved="1"][data-annotations-pending="0"]');

    const annotations = (await (await archive.fetch(`/api/studies/${studyUid}/annotations`)).json()) as StoredAnnotation[];
    expect(annotations).toHaveLength(1);
    const length = annotations[0]!;
    expect(length).toMatchObject({
      kind: 'length',
      seriesInstanceUID: seriesUid,
      sopInstanceUID: sopUid,
      frame: Number(frame),
      author: { name: SPECIALIST, kind: 'share' },
    });
    // The stored handles are image pixels: with the slice's Pixel Spacing they give the length shown.
    const slice = dicomParser.parseDicom(new Uint8Array(corpusFile(SLICES.find((p) => corpusEntry(p).sopInstanceUID === sopUid)!)));
    const [rowSpacing, columnSpacing] = slice.string('x00280030')!.split('\\').map(Number) as [number, number];
    const { start, end } = length.data.handles as { start: { x: number; y: number }; end: { x: number; y: number } };
    const mm = Math.hypot((end.x - start.x) * columnSpacing, (end.y - start.y) * rowSpacing);
    expect(Math.abs(mm - guestMm)).toBeLessThan(0.01);
    expect(mm).toBeGreaterThan(10);

    // The answer, in Vietnamese.
    await panel.locator('[data-testid="consultation-opinion-input"]').fill(OPINION);
    await panel.locator('[data-testid="consultation-opinion-submit"]').click();
    await guest.waitForSelector('[data-testid="consultation-panel"][data-status="answered"]');
    expect(await panel.locator('[data-testid="consultation-status"]').textContent()).toBe('đã trả lời');
    expect(await panel.locator('[data-testid="consultation-opinion"]').textContent()).toBe(OPINION);
    expect(await panel.locator('[data-testid="consultation-answered-at"]').textContent()).toMatch(/^Đã trả lời lúc .*\d/);
    expect(await panel.locator('[data-testid="consultation-opinion-form"]').count()).toBe(0);
    expect(guestErrors).toEqual([]);
    await guestContext.close();

    // The radiologist's worklist: answered, with the opinion.
    await host.goto(`${archive.url}/`);
    const row = host.locator(
      `[data-testid="consultations"][data-state="done"] [data-testid="consultation-row"][data-id="${consultation!.id}"]`,
    );
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('answered');
    expect(await row.locator('td[data-column="status"]').textContent()).toBe('answered');
    // Which patient and study it is about, from the archive's index.
    expect(await row.locator('td[data-column="patient"]').textContent()).toBe('Pancreas-CT-CB_001, Pancreas-CT-CB_001');
    expect(await row.locator('td[data-column="study"]').textContent()).toMatch(/^\S*2012\S* PANCREAS$/);
    expect(await row.locator('td[data-column="urgency"]').textContent()).toBe('urgent');
    expect(await row.locator('td[data-column="specialist"]').textContent()).toBe(`${SPECIALIST}, Bệnh viện Bạch Mai`);
    expect(await row.locator('td[data-column="question"]').textContent()).toBe(QUESTION);
    expect(await row.locator('td[data-column="opinion"]').textContent()).toBe(OPINION);
    expect(await row.locator('td[data-column="answeredAt"]').textContent()).not.toBe('');
    // Status and urgency in Vietnamese after a language switch.
    await host.click('[data-testid="language-vi"]');
    await host.waitForSelector('html[lang="vi"]');
    await host
      .locator(
        `[data-testid="consultations"][data-state="done"] [data-testid="consultation-row"] td[data-column="status"]:text-is("đã trả lời")`,
      )
      .waitFor();
    expect(await row.locator('td[data-column="urgency"]').textContent()).toBe('khẩn');
    await host.click('[data-testid="language-en"]');
    await host.waitForSelector('html[lang="en"]');

    // Opening the study: the specialist's length under their name, which the radiologist cannot delete.
    await host.locator('[data-testid="consultations"][data-state="done"] [data-testid="consultation-open"]').click();
    await waitForImage(host);
    await host.waitForSelector('[data-testid="viewer-page"][data-annotations="loaded"]');
    await host.waitForSelector(`[data-testid="viewport"][data-active="true"][data-rendered-image-id="${imageId}"]`);
    const measurement = host.locator('[data-testid="measurement"][data-tool="Length"]');
    await measurement.waitFor();
    expect(await measurement.locator('[data-testid="measurement-text"]').textContent()).toBe(
      `Length: ${guestMm.toFixed(2)} mm — ${SPECIALIST}`,
    );
    expect(Number(await measurement.getAttribute('data-value'))).toBeCloseTo(guestMm, 2);
    expect(await measurement.locator('button').count()).toBe(0);
    await measurement.locator('[data-testid="measurement-text"]').click();
    await host.waitForSelector('[data-testid="viewport"][data-active="true"][data-selected-measurement="Length"]');
    await host.keyboard.press('Delete');
    expect(await host.locator('[data-testid="measurement"][data-tool="Length"]').count()).toBe(1);
    await host.waitForSelector('[data-testid="viewer-page"][data-annotations-pending="0"][data-annotations-saved="0"]');
    expect((await (await archive.fetch(`/api/studies/${studyUid}/annotations`)).json()) as unknown[]).toHaveLength(1);

    // The opinion is a report series of the study now, read as text.
    const report = host.locator('[data-testid="series-item"]', { hasText: 'Consultation opinion' });
    await report.waitFor();
    expect(await report.getAttribute('data-displayable')).toBe('false');
    await report.click();
    await host.waitForSelector('[data-testid="sr-view"][data-state="ready"]');
    const values = await host.locator('[data-testid="sr-view"] [data-testid="sr-value"]').allTextContents();
    expect(values).toContain(OPINION);
    expect(values).toContain(QUESTION);

    // Closing from the worklist ends the consultation and the specialist's link.
    await host.goto(`${archive.url}/`);
    await row.waitFor();
    await row.locator('[data-testid="consultation-close"]').click();
    expect(await host.textContent('[data-testid="confirm-question"]')).toBe(
      "Close this consultation? The specialist's link stops working.",
    );
    await host.click('[data-testid="confirm-ok"]');
    await host.waitForSelector('[data-testid="consultations"][data-state="done"] [data-testid="consultations-empty"]');
    const closed = (await (await archive.fetch(`/api/consultations/${consultation!.id}`)).json()) as { status: string };
    expect(closed.status).toBe('closed');
    const reopened = await archive.fetch('/api/shares/open', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: link.slice(link.indexOf('#') + 1) }),
    });
    expect(reopened.status).toBe(401);
    expect(((await reopened.json()) as { message: string }).message).toBe('This share link is unknown, has expired or was revoked.');
    expect(hostErrors).toEqual([]);
    await hostContext.close();
  });

  it("saves the radiologist's own length when drawn, moved and deleted, and shows it again on the next visit", async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: VIEWPORT });
    await context.addInitScript(pinLan);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, archive, RADIOLOGIST);
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid}`);
    await waitForImage(page);
    await page.waitForSelector('[data-testid="viewer-page"][data-annotations="loaded"]');
    const viewer = '[data-testid="viewer-page"]';
    const saved = async (count: number) =>
      page.waitForSelector(`${viewer}[data-annotations-saved="${count}"][data-annotations-pending="0"]`);
    const mine = async () =>
      ((await (await archive.fetch(`/api/studies/${studyUid}/annotations`)).json()) as Array<StoredAnnotation & { id: string }>).filter(
        (a) => a.author.kind === 'user',
      );

    // Second slice: nobody's marks there yet.
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('[data-testid="viewport"][data-active="true"][data-slice-index="1"][data-rendered-image-id]');
    const imageId = (await page.getAttribute('[data-testid="viewport"][data-active="true"]', 'data-rendered-image-id'))!;
    const sopUid = imageId.split('/')[2]!;
    const scale = Number(await page.getAttribute('[data-testid="viewport"][data-active="true"]', 'data-scale'));
    await page.click('[data-testid="tool-Length"]');
    const box = (await page.locator('[data-testid="viewport"][data-active="true"] [data-testid="viewport-image"]').boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(cx - 80, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 80, cy, { steps: 8 });
    await page.mouse.up();
    await saved(1);
    const [drawn] = await mine();
    expect(drawn).toMatchObject({ kind: 'length', sopInstanceUID: sopUid, author: { name: 'BS. Lan', kind: 'user' } });
    const before = drawn!.data.handles.end!;

    // Dragging the end handle 60 px to the right: one PUT with the handle moved by 60 / scale pixels.
    await page.mouse.move(cx + 80, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 140, cy, { steps: 8 });
    await page.mouse.up();
    await saved(2);
    const [moved] = await mine();
    expect(moved!.id).toBe(drawn!.id);
    expect(moved!.data.handles.end!.x - before.x).toBeCloseTo(60 / scale, 0);
    expect(moved!.data.handles.start).toEqual(drawn!.data.handles.start);

    // On the next visit it is there, as the radiologist's own (no author, deletable).
    await page.reload();
    await waitForImage(page);
    await page.waitForSelector(`${viewer}[data-annotations="loaded"]`);
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector(`[data-testid="viewport"][data-active="true"][data-rendered-image-id="${imageId}"]`);
    const row = page.locator('[data-testid="measurement"][data-tool="Length"]');
    await row.waitFor();
    expect(await row.locator('[data-testid="measurement-text"]').textContent()).toMatch(/^Length: \d+\.\d\d mm$/);
    expect(await page.locator('[data-testid="measurement"]').count()).toBe(1);
    await row.locator('button').click();
    await saved(1);
    expect(await mine()).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
