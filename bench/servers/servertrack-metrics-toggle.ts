/*
 * The full ServerTrack app, served as `npm start` serves it (createHttpServer), with the
 * Prometheus metrics on (BENCH_METRICS=on, the default) or off (BENCH_METRICS=off: no
 * metrics middleware, no /metrics). Both variants run through this one launcher, so the
 * only difference between them is the metrics.
 */
import { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { createHttpServer } from '../../src/http/http-server';

const metricsOn = process.env.BENCH_METRICS !== 'off';
const app = createApp(metricsOn ? {} : { metrics: false });
const server = createHttpServer(app).listen(0, '127.0.0.1', () => {
  console.log(`servertrack metrics=${metricsOn ? 'on' : 'off'} listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
