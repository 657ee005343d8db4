/*
 * createApp options that take a documented route away, so these responses are off the
 * OpenAPI contract on purpose and use supertest directly.
 */
import request from 'supertest';
import { createApp } from '../../src/app';
import { HostStore } from '../../src/store/host-store';
import { fakeClock } from '../helpers/fake-clock';
import { T0_SEC } from '../helpers/test-app';

describe('createApp({ metrics: false })', () => {
  it('serves no /metrics and still serves the API', async () => {
    const clock = fakeClock(T0_SEC);
    const app = createApp({ store: new HostStore(), clock, metrics: false });
    await request(app).post('/perf/web-01').type('form').send({ cpuload: '10', memload: '20' }).expect(201);
    await request(app).get('/perf/web-01/last_minute').expect(200);
    await request(app).get('/metrics').expect(404, { error: 'no route for GET /metrics' });
  });
});
