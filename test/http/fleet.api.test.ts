import request from '../helpers/api-request';
import { T0_SEC, postSample, testApp } from '../helpers/test-app';

const MATCH_RULE = "match must be 1-253 characters of letters, digits, '.', '-', '_', '*' and '?'";

/** web-1 twice and web-2 once in the current minute, web-2 once the minute before, db-1 once now. */
async function smallFleet() {
  const fixture = testApp();
  const { app } = fixture;
  await postSample(app, 'web-1', { cpuload: '10', memload: '40' }).expect(201);
  await postSample(app, 'web-1', { cpuload: '30', memload: '60' }).expect(201);
  await postSample(app, 'web-2', { cpuload: '50', memload: '10' }).expect(201);
  await postSample(app, 'web-2', { cpuload: '70', memload: '20', time: String(T0_SEC - 60) }).expect(201);
  await postSample(app, 'DB-1', { cpuload: '90', memload: '90' }).expect(201);
  return fixture;
}

const PREVIOUS_MINUTE = {
  time: '2026-11-27T14:04:00Z',
  interval: 60,
  hosts: 1,
  samples: 1,
  cpuload: 70,
  memload: 20,
  cpuload_min: 70,
  cpuload_max: 70,
  memload_min: 20,
  memload_max: 20,
  cpuload_p50: 70,
  cpuload_p90: 70,
  cpuload_p99: 70,
  memload_p50: 20,
  memload_p90: 20,
  memload_p99: 20,
};

describe('GET /fleet/:mode', () => {
  it('pools every matching host per interval, oldest first, leaving out empty intervals', async () => {
    const { app } = await smallFleet();
    await request(app)
      .get('/fleet/last_hour')
      .expect(200, [
        PREVIOUS_MINUTE,
        {
          time: '2026-11-27T14:05:00Z',
          interval: 60,
          hosts: 3,
          samples: 4,
          cpuload: 45, // (10 + 30 + 50 + 90) / 4: every sample, not the mean of host means
          memload: 50,
          cpuload_min: 10,
          cpuload_max: 90,
          memload_min: 10,
          memload_max: 90,
          cpuload_p50: 50, // host means 20, 50, 90: rank ⌈0.5 × 3⌉ = 2
          cpuload_p90: 90,
          cpuload_p99: 90,
          memload_p50: 50, // host means 10, 50, 90
          memload_p90: 90,
          memload_p99: 90,
        },
      ]);
  });

  it('answers an empty array for an empty fleet, and for a glob nobody matches', async () => {
    await request(testApp().app).get('/fleet/last_minute').expect(200, []);
    const { app } = await smallFleet();
    await request(app).get('/fleet/last_minute?match=cache-*').expect(200, []);
  });

  it('keeps only hosts matching any glob, case-insensitively', async () => {
    const { app } = await smallFleet();
    const res = await request(app).get('/fleet/last_hour?match=WEB-*').expect(200);
    expect(res.body).toEqual([
      PREVIOUS_MINUTE,
      {
        time: '2026-11-27T14:05:00Z',
        interval: 60,
        hosts: 2,
        samples: 3,
        cpuload: 30,
        memload: 36.6666666667,
        cpuload_min: 10,
        cpuload_max: 50,
        memload_min: 10,
        memload_max: 60,
        cpuload_p50: 20, // host means 20, 50: rank ⌈0.5 × 2⌉ = 1
        cpuload_p90: 50,
        cpuload_p99: 50,
        memload_p50: 10,
        memload_p90: 50,
        memload_p99: 50,
      },
    ]);
    const both = await request(app).get('/fleet/last_minute?match=db-?&match=web-1').expect(200);
    expect(both.body).toEqual([expect.objectContaining({ time: '2026-11-27T14:05:30Z', hosts: 2, samples: 3 })]);
  });

  it('keeps only live or only stale hosts with status', async () => {
    const { app, clock } = await smallFleet();
    clock.advance(100);
    await postSample(app, 'web-1', { cpuload: '0', memload: '0' }).expect(201);
    clock.advance(21); // web-2 and db-1 are now 121 s old: stale; web-1 21 s: live
    const live = await request(app).get('/fleet/last_day?status=live').expect(200);
    expect(live.body).toEqual([expect.objectContaining({ time: '2026-11-27T14:00:00Z', hosts: 1, samples: 3, cpuload: 13.3333333333 })]);
    const stale = await request(app).get('/fleet/last_day?status=stale').expect(200);
    expect(stale.body).toEqual([expect.objectContaining({ hosts: 2, samples: 3, cpuload: 70, cpuload_p50: 60, cpuload_p90: 90 })]);
    const all = await request(app).get('/fleet/last_day?status=all').expect(200);
    expect(all.body).toEqual([expect.objectContaining({ hosts: 3, samples: 6 })]);
  });

  it('lists every interval of the window with fill=true, empty ones with zero counts and null statistics', async () => {
    const { app } = await smallFleet();
    const res = await request(app).get('/fleet/last_hour?fill=true').expect(200);
    expect(res.body).toHaveLength(60);
    expect(res.body[0]).toEqual({
      time: '2026-11-27T13:06:00Z',
      interval: 60,
      hosts: 0,
      samples: 0,
      cpuload: null,
      memload: null,
      cpuload_min: null,
      cpuload_max: null,
      memload_min: null,
      memload_max: null,
      cpuload_p50: null,
      cpuload_p90: null,
      cpuload_p99: null,
      memload_p50: null,
      memload_p90: null,
      memload_p99: null,
    });
    expect(res.body[58]).toEqual(PREVIOUS_MINUTE);
    expect(res.body.at(-1)).toMatchObject({ time: '2026-11-27T14:05:00Z', hosts: 3 });
  });

  describe('rejects', () => {
    it.each([
      ['/fleet/last_week', 'mode must be one of last_minute, last_hour, last_day, got "last_week"'],
      ['/fleet/last_hour?match=', `${MATCH_RULE}, got ""`],
      ['/fleet/last_hour?match=web-*&match=a%2Fb', `${MATCH_RULE}, got "a/b"`],
      [`/fleet/last_hour?match=${'a'.repeat(254)}`, `${MATCH_RULE}, got "${'a'.repeat(39)}…`],
      ['/fleet/last_hour?status=dead', 'status must be one of live, stale, all, got "dead"'],
      ['/fleet/last_hour?status=live&status=stale', 'status must be one of live, stale, all, got ["live","stale"]'],
      ['/fleet/last_hour?fill=yes', 'fill must be true or false, got "yes"'],
      ['/fleet/last_hour?sort=host', 'unknown query parameter "sort"; allowed: match, status, fill'],
    ])('GET %s with 400 and its reason', async (url, error) => {
      const { app } = await smallFleet();
      await request(app).get(url).expect(400, { error });
    });

    it('GET /fleet without a mode with 404', async () => {
      await request(testApp().app).get('/fleet').expect(404, { error: 'no route for GET /fleet' });
    });
  });
});

describe('GET /perf/:host', () => {
  it('answers the host with its newest sample and status', async () => {
    const { app, clock } = await smallFleet();
    await request(app)
      .get('/perf/WEB-1')
      .expect(200, { host: 'web-1', last_seen: '2026-11-27T14:05:30Z', cpuload: 30, memload: 60, status: 'live' });
    clock.advance(121);
    await request(app)
      .get('/perf/web-1/')
      .expect(200, { host: 'web-1', last_seen: '2026-11-27T14:05:30Z', cpuload: 30, memload: 60, status: 'stale' });
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const { app } = await smallFleet();
    const res = await request(app).head('/perf/web-1').expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.text).toBeUndefined();
  });

  it('answers 404 for an unknown host, and for one whose newest sample left the day window', async () => {
    const { app, clock } = await smallFleet();
    await request(app).get('/perf/nobody').expect(404, { error: "host 'nobody' is not known" });
    clock.advance(24 * 3600);
    await request(app).get('/perf/web-1').expect(404, { error: "host 'web-1' is not known" });
  });

  it('answers 400 for an invalid host or any query parameter', async () => {
    const { app } = await smallFleet();
    await request(app).get('/perf/a..b').expect(400, { error: `host must not contain an empty label ('..'), got "a..b"` });
    await request(app)
      .get('/perf/web-1?window=last_hour')
      .expect(400, { error: 'unknown query parameter "window"; this route takes none' });
  });
});
