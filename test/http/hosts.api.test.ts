import request from '../helpers/api-request';
import { T0_SEC, postSample, testApp } from '../helpers/test-app';
import { storedHostCount } from '../helpers/test-store';

describe('GET /perf', () => {
  it('answers an empty array before any sample', async () => {
    const { app } = testApp();
    await request(app).get('/perf').expect(200, []);
  });

  it('lists hosts sorted by name with their newest sample', async () => {
    const { app, clock } = testApp();
    await postSample(app, 'web-b', { cpuload: '1', memload: '2' }).expect(201);
    await postSample(app, 'web-a', { cpuload: '3', memload: '4' }).expect(201);
    clock.advance(10);
    await postSample(app, 'web-b', { cpuload: '5', memload: '6' }).expect(201);
    // A late sample is recorded but is not the newest one.
    await postSample(app, 'web-b', { cpuload: '7', memload: '8', time: String(T0_SEC - 100) }).expect(201);
    await request(app)
      .get('/perf/')
      .expect(200, [
        { host: 'web-a', last_seen: '2026-11-27T14:05:30Z', cpuload: 3, memload: 4, status: 'live' },
        { host: 'web-b', last_seen: '2026-11-27T14:05:40Z', cpuload: 5, memload: 6, status: 'live' },
      ]);
  });

  it('leaves out hosts whose newest sample has left the day window', async () => {
    const { app, clock, store } = testApp();
    await postSample(app, 'old', { cpuload: '1', memload: '2' }).expect(201);
    clock.advance(23 * 3600);
    await postSample(app, 'new', { cpuload: '3', memload: '4' }).expect(201);
    clock.advance(3600);
    const res = await request(app).get('/perf').expect(200);
    expect(res.body.map((h: { host: string }) => h.host)).toEqual(['new']);
    expect(await storedHostCount(store)).toBe(1);
  });
});

describe('DELETE /perf/:host', () => {
  it('answers 204 and forgets the host and its data', async () => {
    const { app } = testApp();
    await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).expect(201);
    await postSample(app, 'web-02', { cpuload: '1', memload: '2' }).expect(201);
    const res = await request(app).delete('/perf/WEB-01/').expect(204);
    expect(res.text).toBe('');
    await request(app).get('/perf/web-01/last_minute').expect(404, { error: "host 'web-01' is not known" });
    const hosts = await request(app).get('/perf').expect(200);
    expect(hosts.body.map((h: { host: string }) => h.host)).toEqual(['web-02']);
  });

  it('answers 404 for an unknown host', async () => {
    const { app } = testApp();
    await request(app).delete('/perf/nobody').expect(404, { error: "host 'nobody' is not known" });
  });

  it('answers 400 for an invalid host', async () => {
    const { app } = testApp();
    await request(app).delete('/perf/a..b').expect(400, { error: `host must not contain an empty label ('..'), got "a..b"` });
  });

  it('lets a forgotten host start again from empty', async () => {
    const { app } = testApp();
    await postSample(app, 'web-01', { cpuload: '10', memload: '20' }).expect(201);
    await request(app).delete('/perf/web-01').expect(204);
    await postSample(app, 'web-01', { cpuload: '30', memload: '40' }).expect(201);
    const res = await request(app).get('/perf/web-01/last_minute').expect(200);
    expect(res.body[0]).toMatchObject({ samples: 1, cpuload: 30, memload: 40 });
  });
});
