/*
 * Both exposition endpoints through Debian's promtool (`promtool check metrics`, the linter
 * Prometheus ships): it must report nothing about a servertrack_ series. prom-client's own
 * process metrics are left to prom-client (promtool objects to nodejs_active_handles_total,
 * a gauge named like a counter).
 */
import { spawnSync } from 'node:child_process';
import request from '../helpers/api-request';
import { T0_SEC, postSample, testApp } from '../helpers/test-app';

/** What promtool says about `text`: its exit code and its report, one problem per line. */
function promtoolCheck(text: string): { status: number | null; problems: string[] } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, problems: `${run.stdout}${run.stderr}`.split('\n').filter((line) => line !== '') };
}

async function busyApp(): Promise<ReturnType<typeof testApp>> {
  const test = testApp(T0_SEC, { staleAfterSec: 120 });
  await postSample(test.app, 'web-01', { cpuload: '12.5', memload: '40.1' }).expect(201);
  await postSample(test.app, 'db-01', { cpuload: '3', memload: '70', time: String(T0_SEC - 600) }).expect(201);
  await request(test.app).get('/perf/web-01/last_minute').expect(200);
  await request(test.app).get('/perf/nope/last_minute').expect(404);
  return test;
}

describe('promtool check metrics', () => {
  it('reports nothing for GET /metrics/hosts', async () => {
    const { app } = await busyApp();
    const res = await request(app).get('/metrics/hosts').expect(200);
    expect(res.text).toContain('servertrack_host_cpu_load_last_minute_percent{host="web-01"} 12.5');
    expect(promtoolCheck(res.text)).toEqual({ status: 0, problems: [] });
  });

  it('reports nothing for GET /metrics/hosts with no host', async () => {
    const res = await request(testApp().app).get('/metrics/hosts').expect(200);
    expect(promtoolCheck(res.text)).toEqual({ status: 0, problems: [] });
  });

  it("reports nothing about ServerTrack's own series on GET /metrics", async () => {
    const { app } = await busyApp();
    const res = await request(app).get('/metrics').expect(200);
    expect(res.text).toContain('servertrack_hosts 2');
    const { problems } = promtoolCheck(res.text);
    expect(problems.filter((line) => line.includes('servertrack'))).toEqual([]);
  });
});
