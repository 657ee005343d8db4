/*
 * Issue 11's acceptance figures for the dashboard, with 100,000 hosts in the test server's
 * store: first rows and the fleet panel within 2 s of opening /, at most 200 KB transferred
 * per 5 s refresh, and no error banner. These two limits are the issue's own numbers, so the
 * test asserts them; it measures after one warm-up load and takes the best of three loads,
 * so a moment of load from other processes on a 2-core machine does not decide the result.
 */
import { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { HostStore } from '../../src/store/host-store';
import { HostSample } from '../../src/store/store';
import { DashboardServer, collectPageErrors, launchBrowser, startDashboardServer, waitForRefreshes } from '../helpers/browser';

jest.setTimeout(240_000);

const HOST_COUNT = 100_000;
const FIRST_ROWS_LIMIT_MS = 2_000;
const REFRESH_BYTES_LIMIT = 200_000;
const MEASURED_LOADS = 3;
/** Requests of one fleet refresh without a search: the page of hosts, live and stale counts, the fleet chart. */
const REQUESTS_PER_REFRESH = 4;

/**
 * Every host with a sample every 10 minutes over the last hour and one 5 s old, so all are
 * live but one in ten, which stopped 15 minutes ago and is stale. (A sample in every minute
 * would take the test a minute to record on a busy 2-core machine; what the API reads per
 * host for a last-hour window is the same 60 buckets either way.)
 */
function fillFleet(store: HostStore, nowSec: number): void {
  const batch: HostSample[] = [];
  for (const ageSec of [3_300, 2_700, 2_100, 1_500, 900, 5]) {
    batch.length = 0;
    for (let i = 0; i < HOST_COUNT; i++) {
      if (i % 10 === 0 && ageSec === 5) continue;
      const sample = { timeSec: nowSec - ageSec, cpuLoad: (i * 7 + ageSec) % 101, memLoad: (i * 3) % 101 };
      batch.push({ host: `node-${String(i).padStart(6, '0')}.dc1`, sample });
    }
    if (store.recordBatch(batch, nowSec) !== 'recorded') throw new Error('the store refused the fleet');
  }
}

/** Milliseconds from navigation start until the first host row and the fleet chart are both shown. */
async function timeToFirstRows(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  const shown = await page.waitForFunction(
    () =>
      document.querySelector('#fleet-table tbody tr') !== null && document.querySelector('#fleet-chart[data-samples]') !== null
        ? performance.now()
        : null,
    undefined,
    { polling: 'raf', timeout: 30_000 },
  );
  return (await shown.jsonValue()) as number;
}

/** Bytes on the wire (headers and encoded body) of the requests of the page's next refresh. */
async function nextRefreshBytes(page: Page): Promise<{ requests: number; bytes: number }> {
  const done = Number(await page.evaluate(() => document.body.dataset.refreshes));
  const sizes: Promise<number>[] = [];
  const onFinished = (request: Request): void => {
    sizes.push(request.sizes().then((s) => s.requestHeadersSize + s.requestBodySize + s.responseHeadersSize + s.responseBodySize));
  };
  page.on('requestfinished', onFinished);
  await waitForRefreshes(page, done + 1);
  page.off('requestfinished', onFinished);
  const all = await Promise.all(sizes);
  return { requests: all.length, bytes: all.reduce((sum, n) => sum + n, 0) };
}

describe('the dashboard with 100,000 hosts', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let server: DashboardServer;

  beforeAll(async () => {
    const store = new HostStore();
    fillFleet(store, Math.floor(Date.now() / 1000));
    server = await startDashboardServer({ store });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser.close();
    await server.stop();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC', locale: 'en-GB' });
    page = await context.newPage();
    errors = collectPageErrors(page);
  });

  afterEach(async () => {
    await context.close();
  });

  it(`shows the first rows and the fleet panel within ${FIRST_ROWS_LIMIT_MS} ms of opening /`, async () => {
    await timeToFirstRows(page, server.baseUrl); // warm-up: the server's first fleet queries, Chromium's caches
    const timesMs: number[] = [];
    for (let i = 0; i < MEASURED_LOADS; i++) {
      const fresh = await context.newPage();
      timesMs.push(await timeToFirstRows(fresh, server.baseUrl));
      await fresh.close();
    }
    console.log(`time to first rows and fleet panel, ${HOST_COUNT} hosts: ${timesMs.map((t) => Math.round(t)).join(', ')} ms`);

    expect(Math.min(...timesMs)).toBeLessThanOrEqual(FIRST_ROWS_LIMIT_MS);
    expect(await page.locator('#fleet-count').textContent()).toBe('100,000 of 100,000 hosts');
    expect(await page.locator('#live-count').textContent()).toBe('90,000');
    expect(await page.locator('#stale-count').textContent()).toBe('10,000');
    expect(await page.locator('#fleet-table tbody tr').count()).toBe(100);
  });

  it.each([
    ['by name, newest samples', '/'],
    ['busiest first by last-hour mean', '/#/?sort=-cpuload&values=last_hour'],
    ['a search, stale only', '/#/?match=node-01*&status=stale'],
  ])(`transfers at most ${REFRESH_BYTES_LIMIT} bytes per 5 s refresh (%s), with no error banner`, async (_view, path) => {
    await page.goto(`${server.baseUrl}${path}`);
    await waitForRefreshes(page, 1);

    const refreshes = [await nextRefreshBytes(page), await nextRefreshBytes(page)];
    console.log(`bytes per refresh, ${HOST_COUNT} hosts, ${path}: ${refreshes.map((r) => r.bytes).join(', ')}`);

    const expectedRequests = path.includes('match=') ? REQUESTS_PER_REFRESH + 1 : REQUESTS_PER_REFRESH;
    for (const { requests, bytes } of refreshes) {
      expect(requests).toBe(expectedRequests);
      expect(bytes).toBeLessThanOrEqual(REFRESH_BYTES_LIMIT);
    }
    expect(await page.locator('#fleet-table tbody tr').count()).toBeLessThanOrEqual(200);
    expect(await page.getByRole('alert').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });
});
