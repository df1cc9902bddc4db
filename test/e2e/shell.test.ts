import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn } from '../helpers/browser';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { serveViewer } from '../../server/viewer/serve-viewer';

describe('viewer shell served by the archive', () => {
  let archive: TestArchive;
  let browser: Browser;

  beforeAll(async () => {
    archive = await startTestArchive();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await archive?.stop();
  });

  it('serves index.html without caching for the app paths, hashed assets for a year, and never shadows the API', async () => {
    for (const appPath of ['/', '/viewer?StudyInstanceUIDs=1.2.3', '/upload', '/print']) {
      const res = await archive.fetch(appPath);
      expect(res.status, appPath).toBe(200);
      expect(res.headers.get('cache-control'), appPath).toBe('no-cache');
      expect(await res.text()).toContain('<main id="app-root">');
    }
    const html = await (await archive.fetch('/')).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await archive.fetch(asset!);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    await js.arrayBuffer();

    const api = await archive.fetch(`${archive.dicomWeb}/studies`);
    expect(api.headers.get('content-type')).toMatch(/^application\/dicom\+json/);
    expect(await api.json()).toEqual([]);
    const unknown = await archive.fetch('/api/nothing');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('NOT_FOUND');
  });

  it('renders the header and switches the language in Chromium', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    await signIn(page, archive);
    await page.goto(`${archive.url}/`);
    await page.waitForSelector('#app-root[data-ready="true"]');
    expect(await page.textContent('[data-testid="app-header"] .app-brand')).toBe('PACS Viewer');
    expect(await page.textContent('[data-testid="nav-worklist"]')).toBe('Worklist');
    expect(await page.getAttribute('[data-testid="nav-worklist"]', 'aria-current')).toBe('page');

    await page.click('[data-testid="language-vi"]');
    await page.waitForSelector('html[lang="vi"]');
    expect(await page.textContent('[data-testid="nav-upload"]')).toBe('Tải lên');
    await page.reload();
    await page.waitForSelector('#app-root[data-ready="true"]');
    expect(await page.textContent('[data-testid="nav-worklist"]')).toBe('Danh sách ca chụp');

    await page.goto(`${archive.url}/print`);
    await page.waitForSelector('[data-page="/print"]');
    await page.close();
  });
});

describe('viewer not built', () => {
  it('answers the app paths with a 503 page that says how to build it', async () => {
    const app = express().use(serveViewer('/nonexistent/dist/viewer'));
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/viewer`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('npm run build:viewer');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
