import request from '../helpers/api-request';
import { memoryLogger } from '../helpers/memory-logger';
import { T0_SEC, TestAppOptions, postSample, testApp, visibleState } from '../helpers/test-app';
import { storedHostCount } from '../helpers/test-store';

const FULL_MESSAGE =
  'host limit reached: 2 hosts are tracked (SERVERTRACK_MAX_HOSTS); raise SERVERTRACK_MAX_HOSTS or DELETE /perf/{host} for hosts no longer needed';
const BATCH_MESSAGE =
  'this request would track more than 2 hosts (SERVERTRACK_MAX_HOSTS); none was recorded; raise SERVERTRACK_MAX_HOSTS or DELETE /perf/{host} for hosts no longer needed';
const DAY_SEC = 86_400;

/** An app whose store holds at most two hosts, already holding web-1 and web-2. */
async function fullApp(options: Omit<TestAppOptions, 'maxHosts'> = {}): Promise<ReturnType<typeof testApp>> {
  const tracked = testApp(T0_SEC, { ...options, maxHosts: 2 });
  await postSample(tracked.app, 'web-1', { cpuload: '1', memload: '2' }).expect(201);
  await postSample(tracked.app, 'web-2', { cpuload: '3', memload: '4' }).expect(201);
  return tracked;
}

describe('host cap (SERVERTRACK_MAX_HOSTS)', () => {
  describe('POST /perf/:host', () => {
    it('answers 503 naming the limit and the variable for a new host beyond it, and changes nothing', async () => {
      const { app } = await fullApp();
      const before = await visibleState(app, 'web-3');
      const res = await postSample(app, 'web-3', { cpuload: '5', memload: '6' }).expect(503);
      expect(res.body).toEqual({ error: FULL_MESSAGE });
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(await visibleState(app, 'web-3')).toEqual(before);
    });

    it('keeps recording samples of known hosts', async () => {
      const { app } = await fullApp();
      await postSample(app, 'WEB-1', { cpuload: '11', memload: '12' }).expect(201);
      const res = await request(app).get('/perf/web-1/last_minute').expect(200);
      expect(res.body.at(-1)).toMatchObject({ samples: 2, cpuload: 6, memload: 7 });
    });

    it('frees the place of a deleted host', async () => {
      const { app } = await fullApp();
      await request(app).delete('/perf/web-1').expect(204);
      await postSample(app, 'web-3', { cpuload: '5', memload: '6' }).expect(201);
      const hosts = await request(app).get('/perf').expect(200);
      expect(hosts.body.map((h: { host: string }) => h.host)).toEqual(['web-2', 'web-3']);
    });

    it('frees the place of an expired host before any sweep has run', async () => {
      const { app, clock, store } = await fullApp();
      clock.advance(DAY_SEC);
      expect(await storedHostCount(store)).toBe(2);
      await postSample(app, 'web-3', { cpuload: '5', memload: '6' }).expect(201);
      const hosts = await request(app).get('/perf').expect(200);
      expect(hosts.body.map((h: { host: string }) => h.host)).toEqual(['web-3']);
    });
  });

  describe('POST /perf (bulk)', () => {
    it('rejects a whole batch that would add hosts beyond the limit', async () => {
      const { app } = await fullApp();
      await request(app).delete('/perf/web-2').expect(204);
      const before = await visibleState(app, 'web-1');
      const res = await request(app)
        .post('/perf')
        .send([
          { host: 'web-1', cpuload: 10, memload: 10 },
          { host: 'web-3', cpuload: 10, memload: 10 },
          { host: 'web-4', cpuload: 10, memload: 10 },
        ])
        .expect(503);
      expect(res.body).toEqual({ error: BATCH_MESSAGE });
      expect(await visibleState(app, 'web-1')).toEqual(before);
      await request(app).get('/perf/web-3/last_minute').expect(404);
    });

    it('accepts a batch whose new hosts fit, however many samples it has', async () => {
      const { app } = await fullApp();
      await request(app).delete('/perf/web-2').expect(204);
      await request(app)
        .post('/perf')
        .set('Content-Type', 'application/x-ndjson')
        .send(
          '{"host":"web-3","cpuload":1,"memload":1}\n{"host":"web-1","cpuload":1,"memload":1}\n{"host":"web-3","cpuload":3,"memload":3}\n',
        )
        .expect(201, { accepted: 3 });
      const hosts = await request(app).get('/perf').expect(200);
      expect(hosts.body.map((h: { host: string }) => h.host)).toEqual(['web-1', 'web-3']);
    });

    it('accepts a batch of known hosts when full', async () => {
      const { app } = await fullApp();
      await request(app)
        .post('/perf')
        .send([
          { host: 'web-2', cpuload: 10, memload: 10 },
          { host: 'web-1', cpuload: 10, memload: 10 },
        ])
        .expect(201, { accepted: 2 });
    });
  });

  describe('visibility while the cap refuses writes', () => {
    const WARNING = {
      level: 40,
      maxHosts: 2,
      msg: 'host limit reached: samples for new hosts are refused; raise SERVERTRACK_MAX_HOSTS or DELETE /perf/{host} for hosts no longer needed',
    };

    async function rejectionsCounted(app: Parameters<typeof request>[0]): Promise<string[]> {
      const res = await request(app).get('/metrics').expect(200);
      return res.text.split('\n').filter((line) => line.includes('servertrack_host_limit_rejections_total'));
    }

    it('counts each refused request, a bulk one once, in servertrack_host_limit_rejections_total', async () => {
      const { app } = await fullApp();
      expect(await rejectionsCounted(app)).toEqual([
        '# HELP servertrack_host_limit_rejections_total Requests refused with 503 because the host cap (SERVERTRACK_MAX_HOSTS) was reached; a refused bulk request counts once, whatever its samples',
        '# TYPE servertrack_host_limit_rejections_total counter',
        'servertrack_host_limit_rejections_total 0',
      ]);
      await postSample(app, 'web-3', { cpuload: '1', memload: '2' }).expect(503);
      await postSample(app, 'web-4', { cpuload: '1', memload: '2' }).expect(503);
      await request(app)
        .post('/perf')
        .send([
          { host: 'web-5', cpuload: 1, memload: 1 },
          { host: 'web-6', cpuload: 1, memload: 1 },
        ])
        .expect(503);
      await postSample(app, 'web-1', { cpuload: '1', memload: '2' }).expect(201);
      expect((await rejectionsCounted(app)).at(-1)).toBe('servertrack_host_limit_rejections_total 3');
    });

    it('logs one warning at the first refusal, then at most one a minute, counting the refusals in between', async () => {
      const log = memoryLogger('info');
      const { app, clock } = await fullApp({ logger: log.logger });
      await postSample(app, 'web-3', { cpuload: '1', memload: '2' }).expect(503);
      expect(log.lines()).toEqual([expect.objectContaining({ ...WARNING, refusedRequests: 1 })]);

      clock.advance(30);
      await postSample(app, 'web-4', { cpuload: '1', memload: '2' }).expect(503);
      await request(app)
        .post('/perf')
        .send([{ host: 'web-5', cpuload: 1, memload: 1 }])
        .expect(503);
      clock.advance(29);
      await postSample(app, 'web-6', { cpuload: '1', memload: '2' }).expect(503);
      expect(log.lines()).toHaveLength(1);

      clock.advance(1);
      await postSample(app, 'web-7', { cpuload: '1', memload: '2' }).expect(503);
      expect(log.lines()).toEqual([
        expect.objectContaining({ ...WARNING, refusedRequests: 1 }),
        expect.objectContaining({ ...WARNING, refusedRequests: 4 }),
      ]);
    });

    it('logs nothing while writes fit', async () => {
      const log = memoryLogger('info');
      const { app } = await fullApp({ logger: log.logger });
      await postSample(app, 'web-1', { cpuload: '1', memload: '2' }).expect(201);
      expect(log.lines()).toEqual([]);
    });
  });
});
