import { hostStatus, parseStatusParam, passesStatus } from '../../src/fleet/status';
import { errorOf } from '../helpers/input-error';

const NOW_SEC = 1_800_000_000;

describe('hostStatus', () => {
  it('is live up to and including staleAfterSec after the newest sample', () => {
    expect(hostStatus(NOW_SEC, NOW_SEC, 120)).toBe('live');
    expect(hostStatus(NOW_SEC - 120, NOW_SEC, 120)).toBe('live');
  });

  it('is stale once the newest sample is older than staleAfterSec', () => {
    expect(hostStatus(NOW_SEC - 120.5, NOW_SEC, 120)).toBe('stale');
    expect(hostStatus(NOW_SEC - 121, NOW_SEC, 120)).toBe('stale');
  });
});

describe('parseStatusParam', () => {
  it.each([
    [undefined, 'all'],
    ['all', 'all'],
    ['live', 'live'],
    ['stale', 'stale'],
  ])('reads %p as %p', (raw, filter) => {
    expect(parseStatusParam(raw)).toBe(filter);
  });

  it.each([
    ['', 'status must be one of live, stale, all, got ""'],
    ['LIVE', 'status must be one of live, stale, all, got "LIVE"'],
    [['live', 'stale'], 'status must be one of live, stale, all, got ["live","stale"]'],
  ])('rejects %p', (raw, message) => {
    expect(errorOf(() => parseStatusParam(raw))).toEqual({ status: 400, message });
  });
});

describe('passesStatus', () => {
  it('lets every host through all, and each host through its own status only', () => {
    const stale = NOW_SEC - 121;
    expect([
      passesStatus('all', stale, NOW_SEC, 120),
      passesStatus('stale', stale, NOW_SEC, 120),
      passesStatus('live', stale, NOW_SEC, 120),
    ]).toEqual([true, true, false]);
  });
});
