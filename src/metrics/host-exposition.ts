/*
 * GET /metrics/hosts in the Prometheus text format (0.0.4): five gauges per host, each
 * family whole (HELP, TYPE, then one line per host), hosts in name order:
 *
 *   servertrack_host_cpu_load_percent{host="web-01"} 12.5              newest sample
 *   servertrack_host_memory_load_percent{host="web-01"} 40.1           newest sample
 *   servertrack_host_last_seen_timestamp_seconds{host="web-01"} 1.7e9  its time
 *   servertrack_host_cpu_load_last_minute_percent{host="web-01"} 11.8     mean over last_minute
 *   servertrack_host_memory_load_last_minute_percent{host="web-01"} 40.3  mean over last_minute
 *
 * A host whose last minute holds no sample has no line in the two last-minute families:
 * Prometheus reads a series that stops as "no data" (a gap in Grafana), where a NaN would
 * poison every avg() or sum() over the fleet. Its newest-sample gauges stay, with the time
 * that tells how old they are.
 *
 * Written as text, not prom-client objects: a gauge per host would mean hundreds of
 * thousands of label maps built and sorted per scrape (bench/metrics-hosts.bench.ts measures it).
 */
import { toWireNumber } from '../http/wire';

/** One host as the gauges show it: its newest sample, and its last minute's means (null when it holds no sample). */
export interface HostGauges {
  host: string;
  lastSeenSec: number;
  cpuLoad: number;
  memLoad: number;
  cpuLastMinute: number | null;
  memLastMinute: number | null;
}

/** Label value escaping of the text format: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

// Host names hold none of the characters to escape (ingest/host.ts), so the check almost always skips the replace.
const NEEDS_ESCAPE = /[\\"\n]/;

interface Family {
  name: string;
  help: string;
  /** The value for a host, or undefined for no line. */
  value(host: HostGauges): number | undefined;
}

const FAMILIES: readonly Family[] = [
  {
    name: 'servertrack_host_cpu_load_percent',
    help: "CPU load of the host's newest sample, in percent (0-100)",
    value: (h) => toWireNumber(h.cpuLoad),
  },
  {
    name: 'servertrack_host_memory_load_percent',
    help: "Memory load of the host's newest sample, in percent (0-100)",
    value: (h) => toWireNumber(h.memLoad),
  },
  {
    name: 'servertrack_host_last_seen_timestamp_seconds',
    help: "Time of the host's newest sample, in seconds since the epoch",
    value: (h) => h.lastSeenSec,
  },
  {
    name: 'servertrack_host_cpu_load_last_minute_percent',
    help: 'Mean CPU load of every sample of the host in the last minute (the last_minute window), in percent; absent when it holds none',
    value: (h) => (h.cpuLastMinute === null ? undefined : toWireNumber(h.cpuLastMinute)),
  },
  {
    name: 'servertrack_host_memory_load_last_minute_percent',
    help: 'Mean memory load of every sample of the host in the last minute (the last_minute window), in percent; absent when it holds none',
    value: (h) => (h.memLastMinute === null ? undefined : toWireNumber(h.memLastMinute)),
  },
];

/** Hosts per chunk: about 10 KB of text, one small flat string and one write to the socket. */
const HOSTS_PER_CHUNK = 128;

/**
 * The exposition of `hosts`, in the order given, as chunks to write one after the other, so
 * no 40 MB string (100,000 hosts) is ever built and flattened whole. Measured at 100,000
 * hosts it saves no CPU against one string; it keeps the largest single allocation of a
 * scrape small.
 */
export function hostExpositionChunks(hosts: readonly HostGauges[]): string[] {
  // Each host's label set once, shared by its five lines.
  const labels = hosts.map((h) => `{host="${NEEDS_ESCAPE.test(h.host) ? escapeLabelValue(h.host) : h.host}"} `);
  const chunks: string[] = [];
  for (const family of FAMILIES) {
    let chunk = `# HELP ${family.name} ${family.help}\n# TYPE ${family.name} gauge\n`;
    for (let i = 0; i < hosts.length; i++) {
      const value = family.value(hosts[i]);
      if (value !== undefined) chunk += `${family.name}${labels[i]}${value}\n`;
      if (i % HOSTS_PER_CHUNK === HOSTS_PER_CHUNK - 1) {
        chunks.push(chunk);
        chunk = '';
      }
    }
    if (chunk !== '') chunks.push(chunk);
  }
  return chunks;
}

/** The exposition of `hosts`, in the order given, as one string. */
export function hostExposition(hosts: readonly HostGauges[]): string {
  return hostExpositionChunks(hosts).join('');
}
