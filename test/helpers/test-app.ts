/*
 * An app over a fresh store (in memory, or Redis under npm run test:redis: see
 * test-store.ts) and a fake clock, plus the small steps API tests
 * repeat: post a sample, read a report, read the host listing.
 */
import { Express } from 'express';
import { Test } from 'supertest';
import request from './api-request';
import { AppOptions, createApp } from '../../src/app';
import { Store } from '../../src/store/store';
import { FakeClock, fakeClock } from './fake-clock';
import { testStore } from './test-store';

/** 2026-11-27T14:05:30Z: mid-minute, mid-hour, so window edges are easy to see. */
export const T0_SEC = Date.UTC(2026, 10, 27, 14, 5, 30) / 1000;

export interface TestApp {
  app: Express;
  clock: FakeClock;
  store: Store;
}

export type TestAppOptions = Omit<AppOptions, 'store' | 'clock'> & { maxHosts?: number };

/** `maxHosts` goes to the store; the other options go to createApp as they are (auth tokens, a logger, ...). */
export function testApp(startSec: number = T0_SEC, { maxHosts, ...options }: TestAppOptions = {}): TestApp {
  const clock = fakeClock(startSec);
  const store = testStore(maxHosts);
  return { app: createApp({ ...options, store, clock }), clock, store };
}

export function postSample(app: Express, host: string, fields: Record<string, string>): Test {
  return request(app).post(`/perf/${host}`).type('form').send(fields);
}

/** Everything a client can read, to show that a rejected request changed nothing. */
export async function visibleState(app: Express, host: string, token?: string): Promise<unknown> {
  const authorization = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  const hosts = await request(app).get('/perf').set(authorization);
  const reports = await Promise.all(
    ['last_minute', 'last_hour', 'last_day'].map((mode) => request(app).get(`/perf/${host}/${mode}?fill=true`).set(authorization)),
  );
  return { hosts: hosts.body, reports: reports.map((r) => [r.status, r.body]) };
}
