import { escapeLabelValue, hostExposition } from '../../src/metrics/host-exposition';

describe('escapeLabelValue', () => {
  it('escapes backslash, double quote and line feed as the text format says, and nothing else', () => {
    expect(escapeLabelValue('a\\b"c\nd\te')).toBe('a\\\\b\\"c\\nd\te');
  });

  it('leaves a host name as it is', () => {
    expect(escapeLabelValue('web-01.example_com')).toBe('web-01.example_com');
  });
});

describe('hostExposition', () => {
  it('escapes a label value that needs it', () => {
    const text = hostExposition([{ host: 'a"b', lastSeenSec: 1, cpuLoad: 2, memLoad: 3, cpuLastMinute: null, memLastMinute: null }]);
    expect(text).toContain('\nservertrack_host_cpu_load_percent{host="a\\"b"} 2\n');
  });
});
