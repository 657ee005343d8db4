import { SeriesTable } from '../../src/metrics/request-series';

describe('SeriesTable', () => {
  const BOUNDS = [0.001, 0.01, 0.1];

  describe('observe', () => {
    it('puts a duration on a bound into that bound, above every bound into the last slot', () => {
      const table = new SeriesTable(BOUNDS);
      for (const seconds of [0, 0.001, 0.0011, 0.01, 0.1, 0.5]) table.observe('/perf/:host', 'POST', 201, seconds);
      const [series] = table.all;
      expect(series.labels).toEqual({ method: 'POST', route: '/perf/:host', status: '2xx' });
      expect([...series.bucketCounts]).toEqual([2, 2, 1, 1]);
      expect(series.count).toBe(6);
      expect(series.sumSeconds).toBeCloseTo(0.6121, 12);
    });

    it('keeps one series per route, method and status class, in the order first seen', () => {
      const table = new SeriesTable(BOUNDS);
      table.observe('/perf/:host', 'POST', 201, 0);
      table.observe('/perf/:host', 'POST', 204, 0);
      table.observe('/perf/:host', 'POST', 400, 0);
      table.observe('/perf', 'GET', 200, 0);
      table.observe('/perf/:host', 'POST', 413, 0);
      expect(table.all.map((s) => [s.labels.method, s.labels.route, s.labels.status, s.count])).toEqual([
        ['POST', '/perf/:host', '2xx', 2],
        ['POST', '/perf/:host', '4xx', 2],
        ['GET', '/perf', '2xx', 1],
      ]);
    });

    it.each([
      ['PROPFIND', 200, 'OTHER', '2xx'],
      ['GET', 101, 'GET', '1xx'],
      ['GET', 302, 'GET', '3xx'],
      ['GET', 503, 'GET', '5xx'],
      ['GET', 999, 'GET', '5xx'],
    ])('labels %s answered %i as %s %s', (method, status, methodLabel, statusLabel) => {
      const table = new SeriesTable(BOUNDS);
      table.observe('/healthz', method, status, 0);
      expect(table.all[0].labels).toEqual({ method: methodLabel, route: '/healthz', status: statusLabel });
    });
  });
});
