/*
 * JSON answers over 1 KiB are compressed when the client accepts it; smaller ones, text
 * answers and every write's answer go as they are.
 */
import request from '../helpers/api-request';
import { postSample, testApp } from '../helpers/test-app';

async function fleetOf(hostCount: number) {
  const fixture = testApp();
  for (let i = 0; i < hostCount; i++)
    await postSample(fixture.app, `web-${String(i).padStart(3, '0')}`, { cpuload: '12.5', memload: '40' }).expect(201);
  return fixture;
}

describe('response compression', () => {
  it('gzips a JSON answer over 1 KiB when the client accepts gzip', async () => {
    const { app } = await fleetOf(20); // about 2 KB of JSON
    const plain = await request(app).get('/perf').set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBeGreaterThan(1024);
    // superagent inflates the body as a client would.
    const res = await request(app).get('/perf').set('Accept-Encoding', 'gzip').expect(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toMatch(/Accept-Encoding/);
    expect(res.body).toEqual(plain.body);
  });

  it('sends an answer of 1 KiB or less as it is', async () => {
    const { app } = await fleetOf(2);
    const res = await request(app).get('/perf').set('Accept-Encoding', 'gzip').expect(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(Number(res.headers['content-length'])).toBeLessThanOrEqual(1024);
  });

  it('leaves the sample POST alone: a 201 without a body and no Vary', async () => {
    const { app } = testApp();
    for (const path of ['/perf/web-01', '/perf/WEB-01?']) {
      const res = await request(app).post(path).set('Accept-Encoding', 'gzip').type('form').send('cpuload=1&memload=2').expect(201);
      expect([res.headers['content-encoding'], res.headers.vary, res.text]).toEqual([undefined, undefined, '']);
    }
  });

  it('never compresses an error of a write', async () => {
    const { app } = testApp();
    const res = await request(app)
      .post('/perf')
      .set('Accept-Encoding', 'gzip')
      .send(Array.from({ length: 30 }, () => ({ host: 'a b', cpuload: 1, memload: 2 })))
      .expect(400);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.text.length).toBeGreaterThan(1024);
  });

  it('sends a text answer over 1 KiB as it is: /metrics/hosts keeps its Content-Length', async () => {
    const { app } = await fleetOf(20);
    const res = await request(app).get('/metrics/hosts').set('Accept-Encoding', 'gzip').expect(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    expect(Buffer.byteLength(res.text)).toBeGreaterThan(1024);
  });
});
