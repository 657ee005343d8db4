/*
 * The soak's request mix: each operation builds one request and lists the statuses that are
 * a correct answer to it. A report or a delete may meet a host that another worker just
 * deleted, so 404 is correct there; anything else outside the list is an error.
 */
import { HttpClient } from './http-client';

export const MODES = ['last_minute', 'last_hour', 'last_day'];
export const BULK_SAMPLES = 500;

export interface Operation {
  name: string;
  weight: number; // relative frequency in the mix
  expected: readonly number[];
  run(client: HttpClient, hostName: () => string): Promise<number>;
}

const load = (): number => Math.round(Math.random() * 10_000) / 100;

function bulkEntries(hostName: () => string): { host: string; cpuload: number; memload: number }[] {
  return Array.from({ length: BULK_SAMPLES }, () => ({ host: hostName(), cpuload: load(), memload: load() }));
}

export const OPERATIONS: readonly Operation[] = [
  {
    name: 'post form',
    weight: 30,
    expected: [201],
    run: async (client, hostName) =>
      (
        await client.send('POST', `/perf/${hostName()}/`, {
          type: 'application/x-www-form-urlencoded',
          text: `cpuload=${load()}&memload=${load()}`,
        })
      ).status,
  },
  {
    name: 'post json',
    weight: 20,
    expected: [201],
    run: async (client, hostName) =>
      (
        await client.send('POST', `/perf/${hostName()}`, {
          type: 'application/json',
          text: JSON.stringify({ cpuload: load(), memload: load() }),
        })
      ).status,
  },
  {
    name: 'bulk json',
    weight: 4,
    expected: [201],
    run: async (client, hostName) =>
      (await client.send('POST', '/perf', { type: 'application/json', text: JSON.stringify(bulkEntries(hostName)) })).status,
  },
  {
    name: 'bulk ndjson',
    weight: 4,
    expected: [201],
    run: async (client, hostName) => {
      const text = bulkEntries(hostName)
        .map((entry) => JSON.stringify(entry))
        .join('\n');
      return (await client.send('POST', '/perf', { type: 'application/x-ndjson', text })).status;
    },
  },
  {
    name: 'report',
    weight: 38,
    expected: [200, 404],
    run: async (client, hostName) => {
      const fill = Math.random() < 0.5 ? '?fill=true' : '';
      return (await client.send('GET', `/perf/${hostName()}/${MODES[Math.floor(Math.random() * MODES.length)]}${fill}`)).status;
    },
  },
  {
    name: 'delete',
    weight: 3,
    expected: [204, 404],
    run: async (client, hostName) => (await client.send('DELETE', `/perf/${hostName()}`)).status,
  },
  {
    // 50,000 hosts make a 4 MB answer sorted on every call: rare, as a dashboard's would be.
    name: 'list hosts',
    weight: 0.2,
    expected: [200],
    run: async (client) => (await client.send('GET', '/perf')).status,
  },
];

const TOTAL_WEIGHT = OPERATIONS.reduce((sum, op) => sum + op.weight, 0);

export function pickOperation(): Operation {
  let point = Math.random() * TOTAL_WEIGHT;
  for (const op of OPERATIONS) {
    point -= op.weight;
    if (point < 0) return op;
  }
  return OPERATIONS[0];
}
