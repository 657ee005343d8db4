/*
 * Prometheus metrics (prom-client). Two registries:
 *
 *   process registry   default Node process metrics; one per process, created on first use,
 *                      because its collectors (a GC observer, an event-loop monitor) are
 *                      process-wide and would pile up if every app built its own
 *   app registry       servertrack_* metrics of one app, so apps built in tests stay apart
 *
 * GET /metrics serves both; in a node:cluster worker, summed over every worker through the
 * primary (cluster-metrics.ts).
 */
import { RequestHandler } from 'express';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { AgentStats, IGNORED_REASONS_OF } from '../ingest/agent-batch';
import { HalfPairer } from '../ingest/pairing';
import { MaybePromise, Store, isPromise } from '../store/store';
import { Clock } from '../store/time';
import { clusterScrape } from './cluster-metrics';
import { RequestMetrics } from './request-metrics';

let processRegistry: Registry | undefined;

function sharedProcessRegistry(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Live hosts, through the store's cheap count when it has one. */
function countHosts(store: Store, nowSec: number): MaybePromise<number> {
  if (store.countHosts !== undefined) return store.countHosts(nowSec);
  const hosts = store.hosts(nowSec);
  return isPromise(hosts) ? hosts.then((list) => list.length) : hosts.length;
}

/** One agent format's totals and its pending halves (src/http/agent-ingest.ts). */
export interface AgentSource {
  stats: AgentStats;
  pairer: HalfPairer;
}

interface MetricsDeps {
  store: Store;
  clock: Clock;
  /** Monotonic milliseconds for request durations; performance.now() unless a test fakes it. */
  monotonicMs?: () => number;
  /** In a node:cluster worker: /metrics answers for every worker, through the primary (cluster-metrics.ts). */
  clusterWide?: boolean;
}

export class AppMetrics {
  readonly registry = new Registry();
  /** Every registry /metrics serves, process first. */
  readonly registries: Registry[];
  readonly requests: RequestMetrics;
  private readonly contentType: string;
  private readonly scrape: () => Promise<string>;
  // A plain number, read at scrape time like request-metrics.ts does: a flood of refusals stays cheap.
  private hostLimitRejections = 0;
  private agentSources: readonly AgentSource[] = [];

  constructor({ store, clock, monotonicMs, clusterWide = false }: MetricsDeps) {
    new Gauge({
      name: 'servertrack_hosts',
      help: 'Hosts currently tracked (with a sample inside the last_day window)',
      registers: [this.registry],
      // Every worker reads the same shared store: across workers this is one value, not a sum.
      aggregator: 'max',
      // Read from the store at scrape time; async because a networked store answers with a promise.
      async collect() {
        this.set(await countHosts(store, clock()));
      },
    });
    const hostLimitRejections = (): number => this.hostLimitRejections;
    new Counter({
      name: 'servertrack_host_limit_rejections_total',
      help: 'Requests refused with 503 because the host cap (SERVERTRACK_MAX_HOSTS) was reached; a refused bulk request counts once, whatever its samples',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(hostLimitRejections());
      },
    });
    this.registerAgentMetrics();
    this.requests = new RequestMetrics(this.registry, monotonicMs);
    this.registries = [sharedProcessRegistry(), this.registry];
    const exposed = Registry.merge(this.registries);
    this.contentType = exposed.contentType;
    this.scrape = clusterWide ? clusterScrape(this.registries) : () => exposed.metrics();
  }

  /** The agent formats whose totals /metrics reports; createApp hands them over once. */
  watchAgents(sources: readonly AgentSource[]): void {
    this.agentSources = sources;
  }

  /** Read at scrape time from plain numbers the agent routes bump, as for the host cap. */
  private registerAgentMetrics(): void {
    const sources = (): readonly AgentSource[] => this.agentSources;
    new Counter({
      name: 'servertrack_agent_samples_total',
      help: 'Samples recorded from Telegraf (format="line_protocol") and collectd (format="collectd"), each from a paired cpu and memory value',
      labelNames: ['format'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { stats } of sources()) this.inc({ format: stats.format }, stats.samples);
      },
    });
    new Counter({
      name: 'servertrack_agent_ignored_total',
      help: 'Lines (line protocol) or values (collectd) of accepted requests that carry no load: reason="measurement" (another measurement), "per_core" (a cpu line of one core), "plugin" (another collectd plugin or type), "undefined" (a collectd U value)',
      labelNames: ['format', 'reason'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { stats } of sources()) {
          for (const reason of IGNORED_REASONS_OF[stats.format]) this.inc({ format: stats.format, reason }, stats.ignored[reason]);
        }
      },
    });
    new Counter({
      name: 'servertrack_agent_unpaired_total',
      help: 'cpu or memory values dropped because their partner of the same host and time never came (see docs/agents.md, Pairing)',
      labelNames: ['format'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { stats, pairer } of sources()) this.inc({ format: stats.format }, pairer.droppedTotal);
      },
    });
    new Gauge({
      name: 'servertrack_agent_waiting_values',
      help: 'cpu or memory values held in this process, waiting for their partner',
      labelNames: ['format'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { stats, pairer } of sources()) this.set({ format: stats.format }, pairer.held);
      },
    });
  }

  /** One request refused by the host cap, for servertrack_host_limit_rejections_total. */
  countHostLimitRejection(): void {
    this.hostLimitRejections++;
  }

  /** GET /metrics: the Prometheus text format. */
  handler(): RequestHandler {
    return (_req, res, next) => {
      this.scrape().then((text) => {
        res.type(this.contentType).send(text);
      }, next);
    };
  }
}
