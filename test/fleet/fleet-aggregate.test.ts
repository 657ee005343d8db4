import { FleetAggregate, MeansPool, roomFor } from '../../src/fleet/fleet-aggregate';
import { pickBuckets, windowLayout } from '../../src/fleet/window-layout';

const NOW_SEC = 1_700_000_000;
/** One bucket of last_minute: an aggregate of it takes two means arrays (cpu, mem). */
const ONE_BUCKET = pickBuckets(windowLayout('last_minute', NOW_SEC), [59]);

/** The arrays each aggregate made in `make` takes from `pool`. */
function arraysTaken(pool: MeansPool, make: () => FleetAggregate): Float64Array[] {
  const take = jest.spyOn(pool, 'take');
  make();
  const taken = take.mock.results.map((result) => result.value as Float64Array);
  take.mockRestore();
  return taken;
}

describe('roomFor', () => {
  it.each([
    [0, 1_024],
    [1, 1_024],
    [910, 1_024], // 910 × 1.125 = 1,023.75
    [911, 2_048],
    [100_000, 112_640], // 112,500 rounded up to 110 × 1,024
  ])('makes room for %p hosts as %p means', (hosts, room) => {
    expect(roomFor(hosts)).toBe(room);
  });
});

describe('FleetAggregate means arrays', () => {
  /** A pool that has given one aggregate sized for 100,000 hosts its arrays, and had them back. */
  function poolAfter100k(): { pool: MeansPool; arrays: Float64Array[] } {
    const pool = new MeansPool(2);
    let aggregate: FleetAggregate | undefined;
    const arrays = arraysTaken(pool, () => (aggregate = new FleetAggregate(ONE_BUCKET, 100_000, pool)));
    aggregate?.release();
    return { pool, arrays };
  }

  it('are sized with headroom for the hosts expected', () => {
    expect(poolAfter100k().arrays.map((means) => means.length)).toEqual([112_640, 112_640]);
  });

  it('are the pooled ones again when the fleet has gained a host since', () => {
    const { pool, arrays } = poolAfter100k();
    const again = arraysTaken(pool, () => new FleetAggregate(ONE_BUCKET, 100_001, pool));
    expect(again).toHaveLength(2);
    for (const means of again) expect(arrays).toContain(means);
  });

  it('are new, and larger, once the fleet has outgrown the headroom', () => {
    const { pool, arrays } = poolAfter100k();
    const grown = arraysTaken(pool, () => new FleetAggregate(ONE_BUCKET, 101_000, pool));
    expect(grown.map((means) => means.length)).toEqual([113_664, 113_664]);
    for (const means of grown) expect(arrays).not.toContain(means);
  });
});
