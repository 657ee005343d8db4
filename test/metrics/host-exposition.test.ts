import { escapeLabelValue, hostExposition, hostExpositionChunks } from '../../src/metrics/host-exposition';

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

describe('hostExpositionChunks', () => {
  const hosts = Array.from({ length: 300 }, (_, i) => ({
    host: `h-${String(i).padStart(3, '0')}`,
    lastSeenSec: 1_700_000_000 + i,
    cpuLoad: i % 100,
    memLoad: 50,
    // Every third host has an empty last minute.
    cpuLastMinute: i % 3 === 0 ? null : 1.5,
    memLastMinute: i % 3 === 0 ? null : 2.5,
  }));

  it('writes every line of every family once, in order, across chunk boundaries', () => {
    const lines = hostExpositionChunks(hosts).join('').split('\n');
    expect(lines.at(-1)).toBe('');
    const family = (name: string): string[] => lines.filter((line) => line.startsWith(`${name}{`));
    expect(family('servertrack_host_cpu_load_percent')).toEqual(
      hosts.map((h) => `servertrack_host_cpu_load_percent{host="${h.host}"} ${h.cpuLoad}`),
    );
    expect(family('servertrack_host_last_seen_timestamp_seconds')).toEqual(
      hosts.map((h) => `servertrack_host_last_seen_timestamp_seconds{host="${h.host}"} ${h.lastSeenSec}`),
    );
    expect(family('servertrack_host_memory_load_last_minute_percent')).toEqual(
      hosts.filter((h) => h.memLastMinute !== null).map((h) => `servertrack_host_memory_load_last_minute_percent{host="${h.host}"} 2.5`),
    );
    // 5 families × (2 comment lines) + 3 × 300 newest-sample lines + 2 × 200 last-minute lines, and the final empty piece.
    expect(lines.length).toBe(10 + 900 + 400 + 1);
  });

  it('cuts the text into chunks of at most 128 hosts', () => {
    const chunks = hostExpositionChunks(hosts);
    // 300 hosts are 3 chunks per family (128, 128, 44).
    expect(chunks).toHaveLength(15);
    expect(chunks.join('')).toBe(hostExposition(hosts));
  });
});
