import { HalfPairer, LoadHalf } from '../../src/ingest/pairing';

const NOW_SEC = 1_764_252_330;

function cpu(host: string, timeSec: number, load: number, intervalSec = 0): LoadHalf {
  return { host, kind: 'cpu', timeSec, load, intervalSec };
}

function mem(host: string, timeSec: number, load: number, intervalSec = 0): LoadHalf {
  return { host, kind: 'mem', timeSec, load, intervalSec };
}

describe('HalfPairer', () => {
  describe('with the halves of one request', () => {
    it('pairs a host’s cpu and mem of the same time into one sample, whatever their order', () => {
      const pairer = new HalfPairer(10);
      const { samples } = pairer.pair([mem('a', NOW_SEC, 40), cpu('b', NOW_SEC, 5), cpu('a', NOW_SEC, 10), mem('b', NOW_SEC, 50)], NOW_SEC);
      expect(samples).toEqual([
        { host: 'a', sample: { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 40 } },
        { host: 'b', sample: { timeSec: NOW_SEC, cpuLoad: 5, memLoad: 50 } },
      ]);
      expect(pairer.held).toBe(0);
    });

    it('does not pair halves of different seconds (interval 0) or of different hosts', () => {
      const pairer = new HalfPairer(10);
      expect(pairer.pair([cpu('a', NOW_SEC - 1, 10), mem('a', NOW_SEC, 40), mem('b', NOW_SEC - 1, 1)], NOW_SEC).samples).toEqual([]);
      expect(pairer.held).toBe(3);
    });

    it('pairs collectd halves up to half an interval apart, at the earlier time', () => {
      const pairer = new HalfPairer(10);
      const { samples } = pairer.pair(
        [cpu('a', NOW_SEC - 9.998, 10, 1), mem('a', NOW_SEC - 9.5, 40, 1), cpu('a', NOW_SEC - 8, 1, 1)],
        NOW_SEC,
      );
      expect(samples).toEqual([{ host: 'a', sample: { timeSec: NOW_SEC - 9.998, cpuLoad: 10, memLoad: 40 } }]);
      expect(pairer.held).toBe(1);
    });

    it('lets a second value of the same kind and time replace the first: never two samples from one gather', () => {
      const pairer = new HalfPairer(10);
      const { samples } = pairer.pair(
        [cpu('a', NOW_SEC, 10), cpu('a', NOW_SEC, 20), mem('a', NOW_SEC, 40), mem('a', NOW_SEC, 41)],
        NOW_SEC,
      );
      expect(samples).toEqual([{ host: 'a', sample: { timeSec: NOW_SEC, cpuLoad: 20, memLoad: 40 } }]);
      expect(pairer.held).toBe(1);
    });
  });

  describe('across requests', () => {
    it('holds a half until its partner comes in a later request', () => {
      const pairer = new HalfPairer(10);
      expect(pairer.pair([cpu('a', NOW_SEC, 10, 1)], NOW_SEC).samples).toEqual([]);
      expect(pairer.held).toBe(1);
      expect(pairer.pair([mem('a', NOW_SEC + 0.01, 40, 1)], NOW_SEC + 1).samples).toEqual([
        { host: 'a', sample: { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 40 } },
      ]);
      expect(pairer.held).toBe(0);
    });

    it('keeps count of what stays held when one of several held halves pairs', () => {
      const pairer = new HalfPairer(10);
      pairer.pair([cpu('a', NOW_SEC - 1, 1), cpu('a', NOW_SEC, 2)], NOW_SEC);
      expect(pairer.pair([mem('a', NOW_SEC - 1, 3), cpu('b', NOW_SEC, 4)], NOW_SEC).samples).toEqual([
        { host: 'a', sample: { timeSec: NOW_SEC - 1, cpuLoad: 1, memLoad: 3 } },
      ]);
      expect(pairer.held).toBe(2);
      expect(pairer.droppedTotal).toBe(0);
    });

    it('pairs every read of a steady stream split anywhere, leaving nothing held', () => {
      const pairer = new HalfPairer(10);
      const stream = Array.from({ length: 50 }, (_, i) => [cpu('a', NOW_SEC + i, i, 1), mem('a', NOW_SEC + i + 0.002, 100 - i, 1)]).flat();
      const samples = [];
      for (let start = 0; start < stream.length; start += 3)
        samples.push(...pairer.pair(stream.slice(start, start + 3), NOW_SEC + start / 2).samples);
      expect(samples.map((s) => [s.sample.cpuLoad, s.sample.memLoad])).toEqual(Array.from({ length: 50 }, (_, i) => [i, 100 - i]));
      expect(pairer.held).toBe(0);
      expect(pairer.droppedTotal).toBe(0);
    });

    it('drops a half that waited past max(60 s, 3 intervals) and counts it', () => {
      const pairer = new HalfPairer(10);
      pairer.pair([cpu('a', NOW_SEC, 10), cpu('b', NOW_SEC, 10, 30)], NOW_SEC);
      expect(pairer.pair([mem('a', NOW_SEC, 40)], NOW_SEC + 61).samples).toEqual([]);
      expect(pairer.droppedTotal).toBe(1);
      expect(pairer.pair([mem('b', NOW_SEC, 40, 30)], NOW_SEC + 90).samples).toHaveLength(1);
      expect(pairer.held).toBe(1);
    });

    it('holds halves of at most maxHosts hosts, dropping the least recently touched', () => {
      const pairer = new HalfPairer(2);
      pairer.pair([cpu('a', NOW_SEC, 1), cpu('b', NOW_SEC, 2), cpu('c', NOW_SEC, 3)], NOW_SEC);
      expect(pairer.held).toBe(2);
      expect(pairer.droppedTotal).toBe(1);
      expect(pairer.pair([mem('a', NOW_SEC, 1), mem('c', NOW_SEC, 3)], NOW_SEC).samples.map((s) => s.host)).toEqual(['c']);
    });

    it('holds at most 8 halves per host, dropping its oldest', () => {
      const pairer = new HalfPairer(10);
      pairer.pair(
        Array.from({ length: 9 }, (_, i) => cpu('a', NOW_SEC - i, i)),
        NOW_SEC,
      );
      expect(pairer.held).toBe(8);
      expect(pairer.droppedTotal).toBe(1);
      expect(pairer.pair([mem('a', NOW_SEC, 0)], NOW_SEC).samples).toEqual([]);
    });
  });

  describe('undo', () => {
    it('puts back the halves a refused request took and removes the ones it added', () => {
      const pairer = new HalfPairer(10);
      pairer.pair([cpu('a', NOW_SEC, 10)], NOW_SEC);
      const refused = pairer.pair([mem('a', NOW_SEC, 40), cpu('b', NOW_SEC, 5)], NOW_SEC);
      expect(refused.samples).toHaveLength(1);
      refused.undo();
      expect(pairer.held).toBe(1);
      expect(pairer.pair([mem('a', NOW_SEC, 41), mem('b', NOW_SEC, 6)], NOW_SEC).samples).toEqual([
        { host: 'a', sample: { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 41 } },
      ]);
    });
  });
});
