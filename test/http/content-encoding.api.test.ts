/*
 * Compressed request bodies (Content-Encoding) on the two routes that read one: POST
 * /perf/:host and the bulk POST /perf. body-parser inflates them; what it cannot inflate
 * must come back as a 400 naming the encoding, and an encoding it does not know as a 415
 * listing the ones it does, never as zlib's own words.
 */
import zlib from 'node:zlib';
import { Test } from 'supertest';
import request from '../helpers/api-request';
import { testApp, visibleState } from '../helpers/test-app';

const ISO_T0 = '2026-11-27T14:05:30Z';
const NDJSON = 'application/x-ndjson';
const COMPRESS: Record<string, (body: Buffer) => Buffer> = {
  gzip: (body) => zlib.gzipSync(body),
  deflate: (body) => zlib.deflateSync(body),
  br: (body) => zlib.brotliCompressSync(body),
};
// zstd only where node's zlib has it (22.15+), as body-parser decides.
const SUPPORTED = 'createZstdDecompress' in zlib ? 'gzip, deflate, br, zstd or identity' : 'gzip, deflate, br or identity';

/** Sends `body` as it is: superagent would otherwise serialise a Buffer as JSON. */
function postRaw(app: Parameters<typeof request>[0], path: string, type: string, encoding: string, body: Buffer): Test {
  return request(app)
    .post(path)
    .set('Content-Type', type)
    .set('Content-Encoding', encoding)
    .serialize((raw: unknown) => raw as string)
    .send(body as unknown as string);
}

const SAMPLE_JSON = Buffer.from(JSON.stringify({ cpuload: 12.5, memload: 40 }));
const SAMPLE_FORM = Buffer.from('cpuload=12.5&memload=40');

describe('compressed request bodies', () => {
  describe('POST /perf/:host', () => {
    it.each(['gzip', 'deflate', 'br', 'GZIP'])('records a JSON body sent as %s', async (encoding) => {
      const { app } = testApp();
      await postRaw(app, '/perf/web-01', 'application/json', encoding, COMPRESS[encoding.toLowerCase()](SAMPLE_JSON)).expect(201);
      await request(app)
        .get('/perf')
        .expect(200, [{ host: 'web-01', last_seen: ISO_T0, cpuload: 12.5, memload: 40, status: 'live' }]);
    });

    it('records a gzip form body', async () => {
      const { app } = testApp();
      await postRaw(app, '/perf/web-01', 'application/x-www-form-urlencoded', 'gzip', zlib.gzipSync(SAMPLE_FORM)).expect(201);
      await request(app)
        .get('/perf')
        .expect(200, [{ host: 'web-01', last_seen: ISO_T0, cpuload: 12.5, memload: 40, status: 'live' }]);
    });

    it.each([
      ['gzip', 'a plain body', SAMPLE_JSON],
      ['gzip', 'a cut-off gzip stream', zlib.gzipSync(SAMPLE_JSON).subarray(0, 12)],
      ['deflate', 'a plain body', SAMPLE_JSON],
      ['br', 'a plain body', SAMPLE_JSON],
    ])('answers 400 naming %s for %s, and changes nothing', async (encoding, _kind, body) => {
      const { app } = testApp();
      await postRaw(app, '/perf/web-01', 'application/json', 'identity', SAMPLE_JSON).expect(201);
      const before = await visibleState(app, 'web-01');
      await postRaw(app, '/perf/web-01', 'application/json', encoding, body).expect(400, { error: `body is not valid ${encoding}` });
      expect(await visibleState(app, 'web-01')).toEqual(before);
    });

    it('answers 415 listing the supported encodings for one it does not know', async () => {
      const { app } = testApp();
      await postRaw(app, '/perf/web-01', 'application/json', 'compress', SAMPLE_JSON).expect(415, {
        error: `Content-Encoding "compress" is not supported; use ${SUPPORTED}`,
      });
      await request(app).get('/perf').expect(200, []);
    });

    it('applies the 16 KiB limit to the inflated body, so a small bomb is refused', async () => {
      const { app } = testApp();
      const inflated = Buffer.from(`{"cpuload": 1, "memload": 2${' '.repeat(64 * 1024)}}`);
      const bomb = zlib.gzipSync(inflated);
      expect(bomb.length).toBeLessThan(1024);
      await postRaw(app, '/perf/web-01', 'application/json', 'gzip', bomb).expect(413, { error: 'request body exceeds the 16 KiB limit' });
    });
  });

  describe('POST /perf (bulk)', () => {
    const entries = [
      { host: 'web-01', cpuload: 10, memload: 20 },
      { host: 'web-02', cpuload: 30, memload: 40 },
    ];

    it('records a gzip JSON array', async () => {
      const { app } = testApp();
      await postRaw(app, '/perf', 'application/json', 'gzip', zlib.gzipSync(JSON.stringify(entries))).expect(201, { accepted: 2 });
    });

    it('records gzip NDJSON', async () => {
      const { app } = testApp();
      const body = entries.map((entry) => JSON.stringify(entry)).join('\n');
      await postRaw(app, '/perf', NDJSON, 'gzip', zlib.gzipSync(body)).expect(201, { accepted: 2 });
      const hosts = await request(app).get('/perf').expect(200);
      expect(hosts.body.map((h: { host: string }) => h.host)).toEqual(['web-01', 'web-02']);
    });

    it('answers 400 for NDJSON that is not the gzip it claims to be', async () => {
      const { app } = testApp();
      const body = Buffer.from(entries.map((entry) => JSON.stringify(entry)).join('\n'));
      await postRaw(app, '/perf', NDJSON, 'gzip', body).expect(400, { error: 'body is not valid gzip' });
      await request(app).get('/perf').expect(200, []);
    });

    it('answers 415 listing the supported encodings for one it does not know', async () => {
      const { app } = testApp();
      await postRaw(app, '/perf', 'application/json', 'x-snappy', Buffer.from(JSON.stringify(entries))).expect(415, {
        error: `Content-Encoding "x-snappy" is not supported; use ${SUPPORTED}`,
      });
    });
  });
});
