/*
 * A fleet whose every bucket is live, built straight into a HostStore: one host is recorded
 * sample by sample (60 seconds, 60 minutes, 24 hours), its buffer is copied into every
 * other host, then each host gets one more sample now at a load of its own, so rankings and
 * percentiles see spread values rather than one long tie. 100,000 hosts take a few
 * seconds, against minutes through the HTTP API.
 */
import { HostStore } from '../../src/store/host-store';
import { SECONDS_PER_HOUR, SECONDS_PER_MINUTE } from '../../src/store/time';

export const fleetHost = (i: number): string => `host-${String(i).padStart(6, '0')}.example.com`;

export function fillFleet(store: HostStore, hostCount: number, nowSec: number): void {
  const templateHost = fleetHost(0);
  const ages = [
    ...Array.from({ length: 60 }, (_, k) => k),
    ...Array.from({ length: 60 }, (_, k) => k * SECONDS_PER_MINUTE),
    ...Array.from({ length: 24 }, (_, k) => k * SECONDS_PER_HOUR),
  ];
  for (const ageSec of ages) store.record(templateHost, { timeSec: nowSec - ageSec, cpuLoad: 25, memLoad: 50 }, nowSec);
  const template = [...store.states(nowSec)][0][1];
  for (let i = 1; i < hostCount; i++) {
    const state = store.restore(fleetHost(i), { lastSeenSec: template.lastSeenSec, lastCpuLoad: 25, lastMemLoad: 50 });
    state?.series.stats.set(template.series.stats); // the meta view shares the buffer, so this copies every slot
  }
  for (let i = 0; i < hostCount; i++) {
    const load = (i * 37) % 101;
    store.record(fleetHost(i), { timeSec: nowSec, cpuLoad: load, memLoad: 100 - load }, nowSec);
  }
}
