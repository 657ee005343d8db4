import request from '../helpers/api-request';
import { plainSampleHost } from '../../src/http/sample-fast-route';
import { testApp, visibleState } from '../helpers/test-app';

describe('plainSampleHost', () => {
  it.each([
    ['/perf/web-01', 'web-01'],
    ['/perf/web-01/', 'web-01'],
    ['/perf/Web_01.example.com', 'Web_01.example.com'],
    // Not valid hosts, but plain paths: the handler answers them with the router's 400.
    ['/perf/a..b', 'a..b'],
    ['/perf/.', '.'],
  ])('finds the host of %j: %j', (url, host) => {
    expect(plainSampleHost(url)).toBe(host);
  });

  it.each([
    '/perf',
    '/perf/',
    '/perf//',
    '/PERF/web-01',
    '/perf/web%2D01',
    '/perf/web-01?x=1',
    '/perf/web-01/last_hour',
    '/perf/web-01//',
    '/perf/a b',
    'http://localhost/perf/web-01',
  ])('leaves %j to the router', (url) => {
    expect(plainSampleHost(url)).toBeUndefined();
  });
});

describe('POST /perf/:host, the fast route and the router', () => {
  describe('when the same sample comes by a plain path and by one only the router takes', () => {
    it.each(['/PERF/web-01', '/perf/web%2D01', '/perf/WEB-01/'])('records the same for %j as for /perf/web-01', async (path) => {
      const plain = testApp();
      const routed = testApp();
      await request(plain.app).post('/perf/web-01').type('form').send('cpuload=12.5&memload=40').expect(201, '');
      await request(routed.app).post(path).type('form').send('cpuload=12.5&memload=40').expect(201, '');
      expect(await visibleState(routed.app, 'web-01')).toEqual(await visibleState(plain.app, 'web-01'));
    });
  });

  describe('when the host is not valid', () => {
    it.each([
      ['/perf/a..b', `host must not contain an empty label ('..'), got "a..b"`],
      ['/perf/a!b', `host must be 1-253 characters of letters, digits, '.', '-' and '_', starting with a letter or digit, got "a!b"`],
    ])('answers %j with the same 400, whichever way it took', async (path, error) => {
      const { app } = testApp();
      await request(app).post(path).type('form').send('cpuload=1&memload=2').expect(400, { error });
      await request(app).get('/perf').expect(200, []);
    });
  });
});
