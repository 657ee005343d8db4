import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { createHttpServer } from '../../src/http/http-server';
import { HostStore } from '../../src/store/host-store';
import { fakeClock } from '../helpers/fake-clock';
import { T0_SEC } from '../helpers/test-app';

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The prototypes of the first request and response as node hands them over, before Express sees them. */
async function prototypesSeen(server: http.Server): Promise<[unknown, unknown]> {
  let seen: [unknown, unknown] = [undefined, undefined];
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    seen = [Object.getPrototypeOf(req), Object.getPrototypeOf(res)];
  });
  const baseUrl = await listen(server);
  await fetch(`${baseUrl}/healthz`);
  await close(server);
  return seen;
}

describe('createHttpServer', () => {
  describe('when node builds a request and a response', () => {
    it("gives them the app's own request and response prototypes, so Express's swap changes nothing", async () => {
      const app = createApp();
      const [requestPrototype, responsePrototype] = await prototypesSeen(createHttpServer(app));
      expect(requestPrototype).toBe(app.request);
      expect(responsePrototype).toBe(app.response);
    });

    it('differs from the default http.createServer(app), whose objects Express must re-prototype', async () => {
      const app = createApp();
      const [requestPrototype, responsePrototype] = await prototypesSeen(http.createServer(app));
      expect(requestPrototype).toBe(IncomingMessage.prototype);
      expect(responsePrototype).toBe(ServerResponse.prototype);
    });
  });

  describe('when serving the full app', () => {
    it('records and reports exactly as the app does', async () => {
      const clock = fakeClock(T0_SEC);
      const server = createHttpServer(createApp({ clock, store: new HostStore() }));
      const baseUrl = await listen(server);
      try {
        const post = await fetch(`${baseUrl}/perf/web-01`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'cpuload=12.5&memload=40',
        });
        expect([post.status, await post.text()]).toEqual([201, '']);
        const hosts = await fetch(`${baseUrl}/perf`);
        expect(await hosts.json()).toEqual([
          { host: 'web-01', last_seen: '2026-11-27T14:05:30Z', cpuload: 12.5, memload: 40, status: 'live' },
        ]);
        const missing = await fetch(`${baseUrl}/perf/nobody/last_hour`);
        expect([missing.status, await missing.json()]).toEqual([404, { error: "host 'nobody' is not known" }]);
      } finally {
        await close(server);
      }
    });
  });
});
