/*
 * The full ServerTrack app (the same src/ app, every route and middleware) served the
 * default way, app.listen() = http.createServer(app), to measure what createHttpServer's
 * prototype fix is worth in the same run.
 */
import { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';

const app = createApp();
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`servertrack default listen listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
