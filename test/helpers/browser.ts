// The page-side callbacks below run in Chromium and use DOM types; src/ is built without them.
/// <reference lib="dom" />
/*
 * What the browser tests share: Debian's Chromium launched by playwright-core (no browser
 * download, ever), and the real app listening on a port with a strict Content-Security-Policy
 * on top of its own, so any inline script or style in the page is blocked and shows up as an error.
 */
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import express from 'express';
import { Browser, Page, chromium } from 'playwright-core';
import { createApp } from '../../src/app';
import { HostStore } from '../../src/store/host-store';
import { Store } from '../../src/store/store';
import { systemClock } from '../../src/store/time';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'";

/**
 * A non-loopback address of this machine when there is one. Browsers treat 127.0.0.1 and
 * localhost as secure and exempt them from some policies (a CSP `upgrade-insecure-requests`
 * turns every other http:// page's scripts into failing https:// requests), so the page is
 * tested the way people reach a server: over plain HTTP at its network address.
 */
export function networkAddress(): string {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return '127.0.0.1';
}

export function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] });
}

export interface DashboardServer {
  baseUrl: string;
  store: Store;
  /** Stops listening and cuts every connection, as a crashed or stopped server would. */
  stop(): Promise<void>;
}

export interface DashboardServerOptions {
  store?: Store;
  authTokens?: string[];
  ingestTokens?: string[];
  readTokens?: string[];
  port?: number; // 0 (a free one) unless a test restarts a server where the page expects it
}

export async function startDashboardServer(options: DashboardServerOptions = {}): Promise<DashboardServer> {
  const store = options.store ?? new HostStore();
  const app = express();
  // Sent next to the app's own policy (helmet's), not instead of it: a browser enforces every
  // policy it receives, so the page must satisfy the real one and this stricter one.
  app.use((_req, res, next) => {
    const setHeader = res.setHeader.bind(res);
    res.setHeader = ((name: string, value: number | string | readonly string[]) =>
      name.toLowerCase() === 'content-security-policy'
        ? setHeader(name, [String(value), STRICT_CSP])
        : setHeader(name, value)) as typeof res.setHeader;
    setHeader('Content-Security-Policy', STRICT_CSP);
    next();
  });
  app.use(
    createApp({
      store,
      clock: systemClock,
      authTokens: options.authTokens,
      ingestTokens: options.ingestTokens,
      readTokens: options.readTokens,
    }),
  );
  const host = networkAddress();
  const server: Server = app.listen(options.port ?? 0, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    baseUrl: `http://${host}:${(server.address() as AddressInfo).port}`,
    store,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface SeedSample {
  host: string;
  cpuload: number;
  memload: number;
  time?: number;
}

export async function postSamples(baseUrl: string, samples: SeedSample[], token?: string): Promise<void> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${baseUrl}/perf`, { method: 'POST', headers, body: JSON.stringify(samples) });
  if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
}

/** GET `path` of the API as JSON, for the values a test expects the page to show. */
export async function apiGet<T>(baseUrl: string, path: string): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`);
  return (await res.json()) as T;
}

/** The rows of the fleet table as text, one array of cells (host, status, CPU, memory, last seen) per row. */
export function fleetRows(page: Page): Promise<string[][]> {
  return page.$$eval('#fleet-table tbody tr', (rows) =>
    rows.map((row) => Array.from(row.querySelectorAll('th, td')).map((cell) => (cell.textContent ?? '').trim())),
  );
}

/** Resolves once the page has finished `count` refreshes in all (main.js counts them on <body>). */
export async function waitForRefreshes(page: Page, count: number, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.refreshes ?? 0) >= n, count, { timeout: timeoutMs });
}

/**
 * Chromium's notice that it ignores Cross-Origin-Opener-Policy (one of the security headers)
 * on a plain-HTTP origin. The header is for HTTPS deployments; over HTTP it does nothing.
 */
const IGNORED_COOP_NOTICE = 'The Cross-Origin-Opener-Policy header has been ignored';

/** Errors the page reported: uncaught exceptions, console errors, CSP violations. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith(IGNORED_COOP_NOTICE)) errors.push(message.text());
  });
  return errors;
}

/** Pixels of one colour in a canvas, to tell a drawn chart from an empty frame. */
export function countPixels(page: Page, canvasSelector: string, rgb: [number, number, number]): Promise<number> {
  return page.$eval(
    canvasSelector,
    (canvas, [r, g, b]) => {
      const c = canvas as HTMLCanvasElement;
      const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let count = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (Math.abs(pixels[i] - r) < 24 && Math.abs(pixels[i + 1] - g) < 24 && Math.abs(pixels[i + 2] - b) < 24 && pixels[i + 3] > 200)
          count++;
      }
      return count;
    },
    rgb,
  );
}
