import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import {
  DashboardServer,
  SeedSample,
  collectPageErrors,
  countPixels,
  fleetRows,
  launchBrowser,
  postSamples,
  startDashboardServer,
  waitForRefreshes,
} from '../helpers/browser';
import { ROOT_DIR } from '../helpers/server-process';

jest.setTimeout(60_000);

// The page refreshes every 5 s; waits that span a refresh allow for two.
const REFRESH_WAIT_MS = 12_000;
const SCREENSHOT_PATH = path.join(ROOT_DIR, 'docs', 'dashboard.png');
const HOST_SCREENSHOT_PATH = path.join(ROOT_DIR, 'docs', 'dashboard-host.png');
const CPU_RGB: [number, number, number] = [0x1d, 0x4e, 0xd8];
const MEMORY_RGB: [number, number, number] = [0xb4, 0x53, 0x09];
const TOKEN = 's3cret-token';
const TOKEN_LABEL = 'Token (SERVERTRACK_READ_TOKEN or SERVERTRACK_TOKEN on the server)';

/**
 * A fleet with a day of history: web hosts reporting now, with a gap in web-02's last hour,
 * and db-01 silent for 10 minutes, so stale. The newest samples carry round values to assert.
 * The oldest sit one interval inside each window, so a minute or an hour turning between the
 * page's read and the test's own does not change the counts compared.
 */
function fleetHistory(nowSec: number): SeedSample[] {
  const samples: SeedSample[] = [];
  const wave = (i: number, phase: number, base: number, swing: number): number =>
    Math.round((base + swing * Math.sin(i / 6 + phase)) * 10) / 10;
  ['web-01', 'web-02', 'web-03'].forEach((host, h) => {
    for (let hour = 22; hour >= 1; hour--) {
      for (const offsetSec of [0, 1800]) {
        const i = hour + offsetSec / 1200;
        samples.push({ host, time: nowSec - hour * 3600 + offsetSec, cpuload: wave(i, h, 35, 20), memload: wave(i, h + 1, 55, 10) });
      }
    }
    for (let minute = 58; minute >= 1; minute--) {
      if (host === 'web-02' && minute >= 20 && minute <= 28) continue; // an outage, shown as a gap
      for (const offsetSec of [0, 20, 40]) {
        const i = minute + offsetSec / 30;
        samples.push({
          host,
          time: nowSec - minute * 60 + offsetSec,
          cpuload: wave(i, h, 30 + 10 * h, 15),
          memload: wave(i, h + 2, 50, 8),
        });
      }
    }
    for (let second = 40; second >= 1; second--) {
      samples.push({ host, time: nowSec - second, cpuload: wave(second, h, 25 + 10 * h, 12), memload: wave(second, h, 45, 3) });
      samples.push({ host, time: nowSec - second, cpuload: wave(second + 4, h, 25 + 10 * h, 12), memload: wave(second + 4, h, 45, 3) });
    }
  });
  samples.push({ host: 'web-01', cpuload: 12.5, memload: 40.1 });
  samples.push({ host: 'web-02', cpuload: 63, memload: 71.25 });
  samples.push({ host: 'web-03', cpuload: 88.8, memload: 52 });
  for (let minute = 50; minute >= 10; minute -= 5)
    samples.push({ host: 'db-01', time: nowSec - minute * 60, cpuload: 5 + minute / 10, memload: 55 });
  samples.push({ host: 'db-01', time: nowSec - 600, cpuload: 7, memload: 55 });
  return samples;
}

/** Intervals holding samples in a host's report, straight from the API. */
async function sampledIntervals(baseUrl: string, host: string, mode: string): Promise<number> {
  const res = await fetch(`${baseUrl}/perf/${host}/${mode}?fill=true`);
  return ((await res.json()) as { samples: number }[]).filter((i) => i.samples > 0).length;
}

/**
 * Opens the page with `token` already saved, as a returning visitor would. Saved before the
 * page's scripts run: saving it from a page already loading raced that page's own requests (a
 * 401 or 403 answered after the save makes the page retry with the token and forget it).
 */
async function openWithSavedToken(page: Page, url: string, token: string): Promise<void> {
  await page.addInitScript((saved) => localStorage.setItem('servertrack.token', saved), token);
  await page.goto(url);
}

/**
 * Opens the page on a real server with web-01 reporting, then stops that server and listens
 * where it was with a bare TCP server that meets each connection with `onConnection`: how a
 * server that misbehaves below HTTP looks to the page. close() cuts what is still open.
 */
async function openThenListenBare(page: Page, onConnection: (socket: net.Socket) => void): Promise<{ close(): Promise<void> }> {
  const real = await startDashboardServer();
  try {
    await postSamples(real.baseUrl, [{ host: 'web-01', cpuload: 12.5, memload: 40.1 }]);
    await page.goto(real.baseUrl);
    await page.locator('tr[data-host="web-01"]').waitFor();
  } finally {
    await real.stop();
  }
  const { hostname, port } = new URL(real.baseUrl);
  const sockets = new Set<net.Socket>();
  const bare = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    bare.once('listening', resolve);
    bare.once('error', reject);
    bare.listen(Number(port), hostname);
  });
  return {
    close: () =>
      new Promise((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        bare.close(() => resolve());
      }),
  };
}

describe('the dashboard in Chromium', () => {
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
    context = await browser.newContext({ viewport: { width: 1200, height: 720 }, timezoneId: 'UTC', locale: 'en-GB' });
    page = await context.newPage();
    errors = collectPageErrors(page);
  });

  afterEach(async () => {
    await context.close();
    await server?.stop();
    server = undefined;
  });

  describe('before any host has reported', () => {
    it('shows the empty state with the commands to start reporting', async () => {
      server = await startDashboardServer();

      await page.goto(server.baseUrl);

      await page.locator('#fleet-empty').waitFor({ state: 'visible' });
      expect(await page.locator('#fleet-empty strong').textContent()).toBe('No host has reported yet.');
      expect(await page.locator('#agent-command').textContent()).toBe(
        `curl -fsS ${server.baseUrl}/agent.sh | SERVERTRACK_URL=${server.baseUrl} sh`,
      );
      expect(await page.locator('#fleet-content').isHidden()).toBe(true);
      expect(errors).toEqual([]);
    });

    it('shows an agent command that, run on a host, makes the host appear', async () => {
      server = await startDashboardServer();
      await page.goto(server.baseUrl);
      const command = (await page.locator('#agent-command').textContent())!;

      // Word for word: curl fetches the agent from this server's GET /agent.sh, sh runs it.
      expect(command.startsWith(`curl -fsS ${server.baseUrl}/agent.sh | `)).toBe(true);
      const runnable = command;
      const agent = spawn('/bin/sh', ['-c', runnable], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SERVERTRACK_HOST: 'piped-agent', INTERVAL: '1' },
        stdio: 'ignore',
        detached: true, // its own process group, so the sh it pipes into stops with it
      });
      try {
        await page.locator('tr[data-host="piped-agent"]').waitFor({ timeout: REFRESH_WAIT_MS });
        expect(await page.locator('#fleet-empty').isHidden()).toBe(true);
      } finally {
        process.kill(-agent.pid!, 'SIGTERM');
      }
    });
  });

  describe('with a fleet reporting', () => {
    beforeEach(async () => {
      server = await startDashboardServer();
      await postSamples(server.baseUrl, fleetHistory(Math.floor(Date.now() / 1000)));
    });

    it('lists every host with its newest values, and marks silent hosts stale', async () => {
      await page.goto(server!.baseUrl);
      await page.locator('#fleet-table tbody tr').first().waitFor();
      await page.locator('#fleet-chart[data-samples]').waitFor();

      const rows = await fleetRows(page);
      expect(rows.map((cells) => cells.slice(0, 4))).toEqual([
        ['db-01', 'stale', '7.0 %', '55.0 %'],
        ['web-01', 'live', '12.5 %', '40.1 %'],
        ['web-02', 'live', '63.0 %', '71.3 %'],
        ['web-03', 'live', '88.8 %', '52.0 %'],
      ]);
      expect(rows[0][4]).toBe('10 min ago');
      expect(await page.locator('tr[data-host="db-01"]').getAttribute('class')).toBe('stale');
      expect(await page.locator('#fleet-count').textContent()).toBe('4 of 4 hosts');
      expect(await page.locator('#fleet-pager').isHidden()).toBe(true);
      expect(errors).toEqual([]);

      const table = await page.locator('#fleet-table').boundingBox();
      await page.screenshot({ path: SCREENSHOT_PATH, clip: { x: 0, y: 0, width: 1200, height: table!.y + table!.height + 48 } });
    });

    it('updates values in place on refresh, without rebuilding the rows', async () => {
      await page.goto(server!.baseUrl);
      await page.locator('tr[data-host="web-01"]').waitFor();
      await page.$eval('tr[data-host="web-01"]', (row) => row.setAttribute('data-test-mark', 'kept'));

      await postSamples(server!.baseUrl, [{ host: 'web-01', cpuload: 33.3, memload: 44.4 }]);

      await page.locator('tr[data-host="web-01"] td.cpu', { hasText: '33.3 %' }).waitFor({ timeout: REFRESH_WAIT_MS });
      expect(await page.locator('tr[data-host="web-01"] td.memory').textContent()).toBe('44.4 %');
      expect(await page.locator('tr[data-host="web-01"]').getAttribute('data-test-mark')).toBe('kept');
    });

    it('opens a host and draws the last minute, hour and day as mean lines over min-max bands', async () => {
      await page.goto(server!.baseUrl);
      await page.getByRole('link', { name: 'web-02' }).click();

      await page.waitForFunction(() => document.querySelectorAll('#host-view figure[data-samples]').length === 3);
      expect(page.url()).toBe(`${server!.baseUrl}/#/host/web-02`);
      expect(await page.locator('#host-title').textContent()).toBe('web-02');
      expect(await page.locator('[data-field="cpuload"]').textContent()).toBe('63.0 %');
      expect(await page.locator('[data-field="memload"]').textContent()).toBe('71.3 %');
      expect(await page.locator('[data-field="status"]').textContent()).toBe('live');
      for (const mode of ['last_minute', 'last_hour', 'last_day']) {
        const figure = `#host-view figure[data-mode="${mode}"]`;
        expect(await page.locator(figure).getAttribute('data-samples')).toBe(
          String(await sampledIntervals(server!.baseUrl, 'web-02', mode)),
        );
        expect(await countPixels(page, `${figure} canvas`, CPU_RGB)).toBeGreaterThan(100);
        expect(await countPixels(page, `${figure} canvas`, MEMORY_RGB)).toBeGreaterThan(100);
      }
      expect(await page.locator('#host-view figure[data-mode="last_hour"] .u-legend .u-label').allTextContents()).toEqual([
        'Time',
        'CPU',
        'CPU min',
        'CPU max',
        'Memory',
        'Memory min',
        'Memory max',
      ]);
      // A refresh reads the host's own summary and reports, never the fleet listing.
      const refreshes = Number(await page.evaluate(() => document.body.dataset.refreshes));
      const hostReads: string[] = [];
      page.on('request', (request) => hostReads.push(new URL(request.url()).pathname));
      await waitForRefreshes(page, refreshes + 1);
      expect(hostReads.sort()).toEqual(['/perf/web-02', '/perf/web-02/last_day', '/perf/web-02/last_hour', '/perf/web-02/last_minute']);
      expect(errors).toEqual([]);

      await page.screenshot({ path: HOST_SCREENSHOT_PATH, fullPage: true });
    });

    it('says so when the host in the address is not known', async () => {
      await page.goto(`${server!.baseUrl}/#/host/nobody`);

      await page.locator('#host-missing').waitFor({ state: 'visible' });
      expect(await page.locator('#host-missing').textContent()).toBe(
        'No host named “nobody” is known: it never reported, was deleted, or has been silent for a day.',
      );
      expect(await page.locator('#host-view figure:visible').count()).toBe(0);
    });

    it('shows the unreachable state while the server is gone, keeping the last data, and recovers', async () => {
      await page.goto(server!.baseUrl);
      await page.locator('tr[data-host="web-01"]').waitFor();
      const { port } = new URL(server!.baseUrl);
      const store = server!.store;

      await server!.stop();
      server = undefined;

      const banner = page.getByRole('alert');
      await banner.waitFor({ state: 'visible', timeout: REFRESH_WAIT_MS });
      expect(await banner.textContent()).toBe('Server unreachable (no connection). Showing the last data received; retrying every 5 s.');
      expect(await page.locator('#fleet-table tbody tr').count()).toBe(4);
      expect(await page.locator('body').getAttribute('class')).toBe('unreachable');

      server = await startDashboardServer({ store, port: Number(port) });
      await banner.waitFor({ state: 'hidden', timeout: REFRESH_WAIT_MS });
      expect(await page.locator('body').getAttribute('class')).toBe('');
    });
  });

  describe('when the server accepts connections but never answers', () => {
    it('gives up on each request after 10 s and shows the unreachable state', async () => {
      const silent = await openThenListenBare(page, () => {});
      try {
        const banner = page.getByRole('alert');
        await banner.waitFor({ state: 'visible', timeout: REFRESH_WAIT_MS + 10_000 });
        expect(await banner.textContent()).toBe(
          'Server unreachable (no answer within 10 s). Showing the last data received; retrying every 5 s.',
        );
      } finally {
        await silent.close();
      }
    });
  });

  describe('when the server cuts the connection in the middle of an answer', () => {
    it('says there is no connection, not that the answer was not JSON', async () => {
      // What a server stopped between the headers and the end of the body leaves: a promised
      // body that never comes whole.
      const cutting = await openThenListenBare(page, (socket) =>
        socket.once('data', () => {
          socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"hosts":[', () =>
            socket.destroy(),
          );
        }),
      );
      try {
        const banner = page.getByRole('alert');
        await banner.waitFor({ state: 'visible', timeout: REFRESH_WAIT_MS });
        expect(await banner.textContent()).toBe('Server unreachable (no connection). Showing the last data received; retrying every 5 s.');
      } finally {
        await cutting.close();
      }
    });
  });

  describe('when the server requires a token', () => {
    beforeEach(async () => {
      server = await startDashboardServer({ authTokens: [TOKEN] });
      await postSamples(server.baseUrl, [{ host: 'web-01', cpuload: 12.5, memload: 40.1 }], TOKEN);
    });

    it('asks for it once, keeps it in local storage and sends it as a Bearer token', async () => {
      await page.goto(server!.baseUrl);
      const dialog = page.getByRole('dialog', { name: 'Access token' });
      await dialog.waitFor({ state: 'visible' });
      expect(await page.locator('#token-reason').textContent()).toBe('This server only answers requests that carry its token.');

      await page.getByRole('textbox', { name: TOKEN_LABEL }).fill(TOKEN);
      await page.getByRole('button', { name: 'Use token' }).click();

      await page.locator('tr[data-host="web-01"]').waitFor();
      expect(await dialog.isHidden()).toBe(true);
      expect(await page.evaluate(() => localStorage.getItem('servertrack.token'))).toBe(TOKEN);

      const authorizations: (string | undefined)[] = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname.startsWith('/perf')) authorizations.push(request.headers().authorization);
      });
      await page.reload();
      await page.locator('tr[data-host="web-01"]').waitFor();
      await page.locator('#fleet-chart[data-samples]').waitFor();
      expect(await dialog.isHidden()).toBe(true);
      expect(authorizations.length).toBeGreaterThan(0);
      expect(new Set(authorizations)).toEqual(new Set([`Bearer ${TOKEN}`]));
      // 401s during the first load are expected console errors; nothing else.
      expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    });

    it('asks again, saying why, when the saved token is no longer accepted', async () => {
      await openWithSavedToken(page, server!.baseUrl, 'rotated-away');

      await page.getByRole('dialog', { name: 'Access token' }).waitFor({ state: 'visible' });
      expect(await page.locator('#token-reason').textContent()).toBe('The saved token was not accepted. Enter the current one.');
      await page.getByRole('textbox', { name: TOKEN_LABEL }).fill(TOKEN);
      await page.getByRole('button', { name: 'Use token' }).click();

      await page.locator('tr[data-host="web-01"]').waitFor();
      expect(await page.evaluate(() => localStorage.getItem('servertrack.token'))).toBe(TOKEN);
    });
  });

  describe('when the server has scoped tokens', () => {
    const READ_TOKEN = 'grafana-and-dashboards';
    const INGEST_TOKEN = 'agents-only';

    beforeEach(async () => {
      server = await startDashboardServer({ authTokens: [TOKEN], readTokens: [READ_TOKEN], ingestTokens: [INGEST_TOKEN] });
      await postSamples(server.baseUrl, [{ host: 'web-01', cpuload: 12.5, memload: 40.1 }], INGEST_TOKEN);
    });

    it('works with a read token: the fleet, and a host with its three charts', async () => {
      await page.goto(server!.baseUrl);
      await page.getByRole('dialog', { name: 'Access token' }).waitFor({ state: 'visible' });
      await page.getByRole('textbox', { name: TOKEN_LABEL }).fill(READ_TOKEN);
      await page.getByRole('button', { name: 'Use token' }).click();

      await page.locator('tr[data-host="web-01"]').waitFor();
      expect((await fleetRows(page))[0].slice(0, 1)).toEqual(['web-01']);
      await page.getByRole('link', { name: 'web-01' }).click();
      await page.waitForFunction(() => document.querySelectorAll('#host-view figure[data-samples]').length === 3);
      expect(await page.locator('[data-field="cpuload"]').textContent()).toBe('12.5 %');
      expect(await page.evaluate(() => localStorage.getItem('servertrack.token'))).toBe(READ_TOKEN);
      expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    });

    it('asks again, naming the missing read scope, when given an ingest token', async () => {
      await openWithSavedToken(page, server!.baseUrl, INGEST_TOKEN);

      await page.getByRole('dialog', { name: 'Access token' }).waitFor({ state: 'visible' });
      expect(await page.locator('#token-reason').textContent()).toBe(
        'The saved token may not read (it lacks the read scope). Enter a read token or a full one.',
      );
      await page.getByRole('textbox', { name: TOKEN_LABEL }).fill(READ_TOKEN);
      await page.getByRole('button', { name: 'Use token' }).click();
      await page.locator('tr[data-host="web-01"]').waitFor();
    });
  });

  describe('the page itself', () => {
    it('is served without a token even when the API requires one', async () => {
      server = await startDashboardServer({ authTokens: [TOKEN] });

      const response = await page.goto(server.baseUrl);

      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('ServerTrack: hosts');
    });
  });
});
