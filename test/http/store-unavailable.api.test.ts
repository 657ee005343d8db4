import request from '../helpers/api-request';
import { createApp } from '../../src/app';
import { HostStore } from '../../src/store/host-store';
import { StoreUnavailableError } from '../../src/store/store-errors';
import { Store, StoreHealth } from '../../src/store/store';
import { fakeClock } from '../helpers/fake-clock';
import { memoryLogger } from '../helpers/memory-logger';
import { T0_SEC } from '../helpers/test-app';

/** A store whose backend has gone away: every call rejects the way RedisStore's do. */
function unavailableStore(reason: string): Store {
  const fail = (): Promise<never> => Promise.reject(new StoreUnavailableError(reason));
  return {
    maxHosts: 10,
    record: fail,
    recordBatch: fail,
    report: fail,
    hosts: fail,
    summary: fail,
    visitHosts: fail,
    forget: fail,
    health: async () => ({ ok: false, reason }),
  };
}

describe('when the store is unavailable', () => {
  const reason = 'redis: connect ECONNREFUSED 127.0.0.1:6379';

  it.each([
    ['POST /perf/web-01', (app: Parameters<typeof request>[0]) => request(app).post('/perf/web-01').send({ cpuload: 1, memload: 2 })],
    [
      'POST /perf',
      (app: Parameters<typeof request>[0]) =>
        request(app)
          .post('/perf')
          .send([{ host: 'a', cpuload: 1, memload: 2 }]),
    ],
    ['GET /perf/web-01/last_hour', (app: Parameters<typeof request>[0]) => request(app).get('/perf/web-01/last_hour')],
    ['GET /perf', (app: Parameters<typeof request>[0]) => request(app).get('/perf')],
    ['DELETE /perf/web-01', (app: Parameters<typeof request>[0]) => request(app).delete('/perf/web-01')],
  ])('%s answers 503 store unavailable with Retry-After, and logs no error', async (_route, send) => {
    const log = memoryLogger();
    const app = createApp({ clock: fakeClock(T0_SEC), store: unavailableStore(reason), logger: log.logger });
    const res = await send(app).expect(503, { error: 'store unavailable' });
    expect(res.headers['retry-after']).toBe('1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.lines()).toEqual([]);
  });

  it('still rejects bad input with 400 before touching the store', async () => {
    const app = createApp({ clock: fakeClock(T0_SEC), store: unavailableStore(reason) });
    await request(app)
      .post('/perf/web-01')
      .send({ cpuload: 101, memload: 2 })
      .expect(400, { error: 'cpuload must be a decimal number from 0 to 100, got 101' });
  });
});

describe('GET /healthz with a store that reports its health', () => {
  function appWithHealth(health: StoreHealth) {
    const clock = fakeClock(T0_SEC);
    const store = Object.assign(new HostStore(), { health: async () => health });
    return createApp({ clock, store });
  }

  it('answers 503 with the reason while the store is away, so a load balancer stops routing', async () => {
    await request(appWithHealth({ ok: false, reason: 'redis: Connection is closed.' }))
      .get('/healthz')
      .expect(503, { status: 'unavailable', reason: 'redis: Connection is closed.' });
  });

  it('answers ok when the store is healthy', async () => {
    await request(appWithHealth({ ok: true }))
      .get('/healthz')
      .expect(200, { status: 'ok' });
  });
});
