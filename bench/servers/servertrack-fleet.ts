/*
 * The full ServerTrack app over an in-memory store already holding FLEET_HOSTS hosts with
 * every bucket live (bench/lib/full-fleet.ts), on the real clock, served as `npm start`
 * serves it (createHttpServer). For the fleet scenario's ingest-under-polling runs.
 */
import { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { createHttpServer } from '../../src/http/http-server';
import { HostStore } from '../../src/store/host-store';
import { systemClock } from '../../src/store/time';
import { fillFleet } from '../lib/full-fleet';

const hostCount = Number(process.env.FLEET_HOSTS ?? 100_000);
const store = new HostStore({ maxHosts: hostCount + 1_000 });
fillFleet(store, hostCount, Math.floor(systemClock()));
const server = createHttpServer(createApp({ store })).listen(0, '127.0.0.1', () => {
  console.log(`servertrack with ${hostCount} hosts listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
