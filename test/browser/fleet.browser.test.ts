/*
 * The fleet view against the real fleet API (issue 11): search, the stale toggle, sorting,
 * paging, the fleet panel, long names, and the error states. The page's state lives in the
 * URL hash, so each test also checks the hash and that opening it again shows the same view.
 */
import { Browser, BrowserContext, Page } from 'playwright-core';
import { HostStore } from '../../src/store/host-store';
import { Store } from '../../src/store/store';
import { StoreUnavailableError } from '../../src/store/store-errors';
import {
  DashboardServer,
  SeedSample,
  apiGet,
  collectPageErrors,
  countPixels,
  fleetRows,
  launchBrowser,
  postSamples,
  startDashboardServer,
} from '../helpers/browser';

jest.setTimeout(60_000);

// The page refreshes every 5 s; waits that span a refresh allow for two.
const REFRESH_WAIT_MS = 12_000;
const CPU_RGB: [number, number, number] = [0x1d, 0x4e, 0xd8];
const MEMORY_RGB: [number, number, number] = [0xb4, 0x53, 0x09];

/**
 * Five hosts. Four report now and reported once before, 30 minutes ago, so their last-hour
 * means differ from their newest sample (web-01: (51.5 + 12.5) / 2 = 32 CPU); db-01 last
 * reported 10 minutes ago, so it is stale.
 */
function smallFleet(nowSec: number): SeedSample[] {
  const earlier = nowSec - 1800;
  return [
    { host: 'web-01', time: earlier, cpuload: 51.5, memload: 59.9 },
    { host: 'web-01', time: nowSec, cpuload: 12.5, memload: 40.1 },
    { host: 'web-02', time: earlier, cpuload: 17, memload: 8.75 },
    { host: 'web-02', time: nowSec, cpuload: 63, memload: 71.25 },
    { host: 'web-03', time: earlier, cpuload: 11.2, memload: 48 },
    { host: 'web-03', time: nowSec, cpuload: 88.8, memload: 52 },
    { host: 'db-01', time: nowSec - 600, cpuload: 7, memload: 55 },
    { host: 'db-02', time: nowSec, cpuload: 30, memload: 20 },
  ];
}

/** Waits until the table lists exactly `hosts`, in that order (a refresh may be needed first). */
async function waitForHosts(page: Page, hosts: string[]): Promise<void> {
  await page.waitForFunction(
    (expected) =>
      JSON.stringify(Array.from(document.querySelectorAll('#fleet-table tbody tr')).map((row) => (row as HTMLElement).dataset.host)) ===
      expected,
    JSON.stringify(hosts),
    { timeout: REFRESH_WAIT_MS },
  );
}

function hashOf(page: Page): string {
  return new URL(page.url()).hash;
}

async function sortBy(page: Page, column: string): Promise<void> {
  await page.locator(`#fleet-table th[data-sort="${column}"] button`).click();
}

/** Intervals holding samples in a /fleet answer. */
async function sampledFleetIntervals(baseUrl: string, query: string): Promise<number> {
  const intervals = await apiGet<{ samples: number }[]>(baseUrl, `/fleet/last_hour?fill=true${query}`);
  return intervals.filter((i) => i.samples > 0).length;
}

/**
 * A store that answers like Redis gone away (503 store unavailable) while `down` is set. Like
 * Redis it counts no slot writes (store.ts): the fleet routes then read every ring each time.
 */
function switchableStore(inner: HostStore): { store: Store; setDown(down: boolean): void } {
  let down = false;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'slotWrites') return undefined;
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        down
          ? Promise.reject(new StoreUnavailableError('redis: connect ECONNREFUSED'))
          : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  return { store, setDown: (value) => (down = value) };
}

describe('the fleet view in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let server: DashboardServer | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1200, height: 900 }, timezoneId: 'UTC', locale: 'en-GB' });
    page = await context.newPage();
    errors = collectPageErrors(page);
  });

  afterEach(async () => {
    await context.close();
    await server?.stop();
    server = undefined;
  });

  describe('with five hosts, one of them stale', () => {
    beforeEach(async () => {
      server = await startDashboardServer();
      await postSamples(server.baseUrl, smallFleet(Math.floor(Date.now() / 1000)));
    });

    it('searches by glob, any case, with several globs, and keeps the search in the hash', async () => {
      await page.goto(server!.baseUrl);
      await waitForHosts(page, ['db-01', 'db-02', 'web-01', 'web-02', 'web-03']);
      expect(await page.locator('#fleet-count').textContent()).toBe('5 of 5 hosts');

      await page.getByRole('searchbox', { name: 'Search' }).fill('WEB-*');
      await waitForHosts(page, ['web-01', 'web-02', 'web-03']);
      await page.locator('#fleet-count', { hasText: '3 of 5 hosts' }).waitFor();
      expect(hashOf(page)).toBe('#/?match=WEB-*');
      expect(await page.locator('#panel-scope').textContent()).toBe('hosts matching “WEB-*”');

      await page.getByRole('searchbox', { name: 'Search' }).fill('db-0? web-03');
      await waitForHosts(page, ['db-01', 'db-02', 'web-03']);
      expect(hashOf(page)).toBe('#/?match=db-0%3F+web-03');

      await page.getByRole('searchbox', { name: 'Search' }).fill('nothing-*');
      await page.locator('#fleet-no-match', { hasText: 'No host matches “nothing-*”.' }).waitFor();
      expect(await page.locator('#fleet-count').textContent()).toBe('0 of 5 hosts');
      expect(await page.locator('#fleet-table').isHidden()).toBe(true);

      // A shared link opens the same search, with the box filled in.
      await page.goto(`${server!.baseUrl}/#/?match=web-0%3F`);
      await page.reload();
      await waitForHosts(page, ['web-01', 'web-02', 'web-03']);
      expect(await page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('web-0?');
      expect(errors).toEqual([]);
    });

    it('shows the API’s reason for a glob it refuses, and no rows', async () => {
      const { error } = await apiGet<{ error: string }>(server!.baseUrl, '/perf?match=web-01!');

      await page.goto(server!.baseUrl);
      await waitForHosts(page, ['db-01', 'db-02', 'web-01', 'web-02', 'web-03']);
      await page.getByRole('searchbox', { name: 'Search' }).fill('web-01!');

      await page.locator('#search-error').waitFor({ state: 'visible', timeout: REFRESH_WAIT_MS });
      expect(await page.locator('#search-error').textContent()).toBe(`Search not understood: ${error}`);
      expect(error).toMatch(/^match must be/);
      expect(await page.locator('#fleet-table').isHidden()).toBe(true);
      expect(await page.locator('#fleet-table tbody tr').count()).toBe(0);
      expect(await page.getByRole('alert').isHidden()).toBe(true);
    });

    it('lists only stale hosts when asked, within the search too', async () => {
      await page.goto(server!.baseUrl);
      await waitForHosts(page, ['db-01', 'db-02', 'web-01', 'web-02', 'web-03']);

      await page.getByRole('checkbox', { name: 'Stale only' }).check();
      await waitForHosts(page, ['db-01']);
      expect(hashOf(page)).toBe('#/?status=stale');
      expect(await page.locator('#fleet-count').textContent()).toBe('1 of 5 hosts');
      expect((await fleetRows(page))[0].slice(0, 5)).toEqual(['db-01', 'stale', '7.0 %', '55.0 %', '10 min ago']);

      await page.getByRole('searchbox', { name: 'Search' }).fill('web-*');
      await page.locator('#fleet-no-match', { hasText: 'No stale host matches “web-*”.' }).waitFor();
      expect(await page.locator('#fleet-count').textContent()).toBe('0 of 5 hosts');
      expect(errors).toEqual([]);
    });

    it('sorts by each column, both ways, by the newest sample or the last-hour mean as chosen', async () => {
      await page.goto(server!.baseUrl);
      await waitForHosts(page, ['db-01', 'db-02', 'web-01', 'web-02', 'web-03']);
      expect(await page.locator('th[data-sort="host"]').getAttribute('aria-sort')).toBe('ascending');
      expect(await page.locator('th[data-sort="cpuload"] .source').textContent()).toBe('newest');

      await sortBy(page, 'cpuload');
      await waitForHosts(page, ['web-03', 'web-02', 'db-02', 'web-01', 'db-01']);
      expect(hashOf(page)).toBe('#/?sort=-cpuload');
      expect(await page.locator('th[data-sort="cpuload"]').getAttribute('aria-sort')).toBe('descending');
      expect(await page.locator('th[data-sort="host"]').getAttribute('aria-sort')).toBeNull();
      expect((await fleetRows(page)).map((cells) => cells[2])).toEqual(['88.8 %', '63.0 %', '30.0 %', '12.5 %', '7.0 %']);

      await sortBy(page, 'cpuload');
      await waitForHosts(page, ['db-01', 'web-01', 'db-02', 'web-02', 'web-03']);
      expect(hashOf(page)).toBe('#/?sort=cpuload');

      await sortBy(page, 'memload');
      await waitForHosts(page, ['web-02', 'db-01', 'web-03', 'web-01', 'db-02']);

      // Live first: newest sample first, ties by name.
      await sortBy(page, 'status');
      await waitForHosts(page, ['db-02', 'web-01', 'web-02', 'web-03', 'db-01']);
      await sortBy(page, 'status');
      await waitForHosts(page, ['db-01', 'db-02', 'web-01', 'web-02', 'web-03']);

      await sortBy(page, 'last_seen');
      await waitForHosts(page, ['db-02', 'web-01', 'web-02', 'web-03', 'db-01']);

      await sortBy(page, 'host');
      await sortBy(page, 'host');
      await waitForHosts(page, ['web-03', 'web-02', 'web-01', 'db-02', 'db-01']);

      await page.getByRole('combobox', { name: 'CPU and memory' }).selectOption('last_hour');
      await sortBy(page, 'cpuload');
      await waitForHosts(page, ['web-03', 'web-02', 'web-01', 'db-02', 'db-01']);
      expect(hashOf(page)).toBe('#/?sort=-cpuload&values=last_hour');
      expect(await page.locator('th[data-sort="cpuload"] .source').textContent()).toBe('last-hour mean');
      expect(await page.locator('th[data-sort="memload"] .source').textContent()).toBe('last-hour mean');
      expect((await fleetRows(page)).map((cells) => cells.slice(2, 4))).toEqual([
        ['50.0 %', '50.0 %'],
        ['40.0 %', '40.0 %'],
        ['32.0 %', '50.0 %'],
        ['30.0 %', '20.0 %'],
        ['7.0 %', '55.0 %'],
      ]);

      // The same view from its link, in a fresh page.
      const shared = page.url();
      const other = await context.newPage();
      await other.goto(shared);
      await waitForHosts(other, ['web-03', 'web-02', 'web-01', 'db-02', 'db-01']);
      expect(await other.getByRole('combobox', { name: 'CPU and memory' }).inputValue()).toBe('last_hour');
      expect(await other.locator('th[data-sort="cpuload"]').getAttribute('aria-sort')).toBe('descending');
      expect(errors).toEqual([]);
    });

    it('shows live and stale counts and the last hour of the fleet, pooled means over the p50-p90 band, for the search', async () => {
      await page.goto(server!.baseUrl);
      await page.locator('#fleet-chart[data-samples]').waitFor();

      expect(await page.locator('#live-count').textContent()).toBe('4');
      expect(await page.locator('#stale-count').textContent()).toBe('1');
      expect(await page.locator('#panel-scope').textContent()).toBe('all hosts');
      expect(await page.locator('#fleet-chart').getAttribute('data-samples')).toBe(
        String(await sampledFleetIntervals(server!.baseUrl, '')),
      );
      expect(await countPixels(page, '#fleet-chart canvas', CPU_RGB)).toBeGreaterThan(20);
      expect(await countPixels(page, '#fleet-chart canvas', MEMORY_RGB)).toBeGreaterThan(20);
      expect(await page.locator('#fleet-chart .u-legend .u-label').allTextContents()).toEqual([
        'Time',
        'CPU',
        'CPU p50',
        'CPU p90',
        'Memory',
        'Memory p50',
        'Memory p90',
      ]);

      await page.goto(`${server!.baseUrl}/#/?match=db-*`);
      await page.locator('#panel-scope', { hasText: 'hosts matching “db-*”' }).waitFor({ timeout: REFRESH_WAIT_MS });
      await page.locator('#stale-count', { hasText: '1' }).waitFor();
      expect(await page.locator('#live-count').textContent()).toBe('1');
      expect(await page.locator('#fleet-chart').getAttribute('data-samples')).toBe(
        String(await sampledFleetIntervals(server!.baseUrl, '&match=db-*')),
      );
      expect(errors).toEqual([]);
    });
  });

  describe('with 250 hosts', () => {
    const hosts = Array.from({ length: 250 }, (_, i) => `host-${String(i).padStart(3, '0')}`);

    beforeEach(async () => {
      server = await startDashboardServer();
      await postSamples(
        server.baseUrl,
        hosts.map((host, i) => ({ host, cpuload: i % 100, memload: 50 })),
      );
    });

    it('shows them 100 at a time, pages forward and back, and a page has a link of its own', async () => {
      await page.goto(server!.baseUrl);
      await waitForHosts(page, hosts.slice(0, 100));
      expect(await page.locator('#fleet-count').textContent()).toBe('250 of 250 hosts');
      expect(await page.locator('#page-range').textContent()).toBe('1–100');
      expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);

      await page.getByRole('button', { name: 'Next' }).click();
      await waitForHosts(page, hosts.slice(100, 200));
      expect(await page.locator('#page-range').textContent()).toBe('101–200');
      expect(hashOf(page)).toMatch(/^#\/\?page=2&cursor=[^&]+$/);

      await page.getByRole('button', { name: 'Next' }).click();
      await waitForHosts(page, hosts.slice(200));
      expect(await page.locator('#page-range').textContent()).toBe('201–250');
      expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
      const thirdPage = page.url();

      await page.getByRole('button', { name: 'Previous' }).click();
      await waitForHosts(page, hosts.slice(100, 200));
      await page.goBack();
      await waitForHosts(page, hosts.slice(200));
      await page.getByRole('button', { name: 'First' }).click();
      await waitForHosts(page, hosts.slice(0, 100));
      expect(hashOf(page)).toBe('#/');

      const other = await context.newPage();
      await other.goto(thirdPage);
      await waitForHosts(other, hosts.slice(200));
      expect(await other.locator('#page-range').textContent()).toBe('201–250');
      expect(errors).toEqual([]);
    });

    it('starts again from the first page when the sort changes', async () => {
      await page.goto(server!.baseUrl);
      await waitForHosts(page, hosts.slice(0, 100));
      await page.getByRole('button', { name: 'Next' }).click();
      await waitForHosts(page, hosts.slice(100, 200));

      await sortBy(page, 'cpuload');
      // CPU is i % 100: 99 for host-099, host-199; ties by name.
      const byCpu = [...hosts].sort((a, b) => (Number(b.slice(5)) % 100) - (Number(a.slice(5)) % 100) || a.localeCompare(b));
      await waitForHosts(page, byCpu.slice(0, 100));
      expect(hashOf(page)).toBe('#/?sort=-cpuload');
      expect(await page.locator('#page-range').textContent()).toBe('1–100');
    });
  });

  describe('with a 253-character host name', () => {
    const longName = `long-${'x'.repeat(240)}.example`;

    beforeEach(async () => {
      server = await startDashboardServer();
      await postSamples(server.baseUrl, [
        { host: longName, cpuload: 100, memload: 100 },
        { host: 'web-01', cpuload: 12.5, memload: 40.1 },
      ]);
    });

    it.each([360, 768, 1920])(
      'cuts it with an ellipsis, shows it whole on hover, and keeps every column in place at %i px',
      async (width) => {
        expect(longName).toHaveLength(253);
        await page.setViewportSize({ width, height: 800 });
        await page.goto(server!.baseUrl);
        await waitForHosts(page, [longName, 'web-01']);

        const link = page.locator(`tr[data-host="${longName}"] th a`);
        expect(await link.textContent()).toBe(longName);
        expect(await link.getAttribute('title')).toBe(longName);
        const cut = await link.evaluate((a) => ({
          overflowing: a.scrollWidth > a.clientWidth,
          textOverflow: getComputedStyle(a).textOverflow,
        }));
        expect(cut).toEqual({ overflowing: true, textOverflow: 'ellipsis' });

        const layout = await page.evaluate(() => {
          const box = (element: Element): [number, number] => {
            const rect = element.getBoundingClientRect();
            return [Math.round(rect.left), Math.round(rect.width)];
          };
          const rows = Array.from(document.querySelectorAll('#fleet-table tr'));
          return {
            pageOverflows: document.documentElement.scrollWidth > window.innerWidth,
            columns: rows.map((row) => Array.from(row.children).map(box)),
            // Status, CPU, memory and last seen fit whole in their columns at every width.
            cutValues: rows
              .slice(1)
              .flatMap((row) => Array.from(row.querySelectorAll('td')))
              .filter((td) => td.scrollWidth > td.clientWidth)
              .map((td) => td.textContent),
          };
        });
        expect(layout.pageOverflows).toBe(false);
        expect(layout.columns).toHaveLength(3);
        expect(layout.columns[1]).toEqual(layout.columns[0]);
        expect(layout.columns[2]).toEqual(layout.columns[0]);
        const lefts = layout.columns[0].map(([left]) => left);
        expect([...lefts].sort((a, b) => a - b)).toEqual(lefts);
        expect(layout.cutValues).toEqual([]);

        await link.hover();
        expect(await page.locator('a[title]:hover').getAttribute('title')).toBe(longName);
        expect(errors).toEqual([]);
      },
    );
  });

  describe('error states', () => {
    it('says the store is unavailable on a 503, not that the server is unreachable, and recovers', async () => {
      const { store, setDown } = switchableStore(new HostStore());
      server = await startDashboardServer({ store });
      await postSamples(server.baseUrl, [{ host: 'web-01', cpuload: 12.5, memload: 40.1 }]);
      await page.goto(server.baseUrl);
      await waitForHosts(page, ['web-01']);

      setDown(true);
      const banner = page.getByRole('alert');
      await banner.waitFor({ state: 'visible', timeout: REFRESH_WAIT_MS });
      expect(await banner.textContent()).toBe(
        'The server’s store is unavailable (HTTP 503 store unavailable). Showing the last data received; retrying every 5 s.',
      );
      expect(await page.locator('#fleet-table tbody tr').count()).toBe(1);

      setDown(false);
      await banner.waitFor({ state: 'hidden', timeout: REFRESH_WAIT_MS });
      expect(errors.filter((e) => !e.includes('503'))).toEqual([]);
    });

    it.each([
      ['bad!name', "host must be 1-253 characters of letters, digits, '.', '-' and '_', starting with a letter or digit"],
      ['web..01', "host must not contain an empty label ('..')"],
      ['%E0%A4%A', 'the address holds a broken %-escape'],
    ])('says the host name in #/host/%s is invalid', async (name, reason) => {
      server = await startDashboardServer();
      await page.goto(`${server.baseUrl}/#/host/${name}`);

      await page.locator('#host-missing').waitFor({ state: 'visible' });
      expect(await page.locator('#host-missing').textContent()).toBe(`“${decodeOrKeep(name)}” is not a valid host name: ${reason}.`);
      expect(await page.locator('#host-view figure:visible').count()).toBe(0);
      expect(await page.getByRole('alert').isHidden()).toBe(true);
    });
  });
});

function decodeOrKeep(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
