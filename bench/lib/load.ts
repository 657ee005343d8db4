/*
 * The load generator, pinned to the load core: wrk when it is installed (a C client, it
 * drives a node server harder than a node client can from one core), else autocannon from
 * npm, so `npm ci && npm run bench` needs nothing outside npm. BENCH_LOAD=autocannon or
 * BENCH_LOAD=wrk picks one. Each connection cycles through the same list of requests.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOAD_CORE, pinned, tsNodeArgs } from './cores';
import { ROOT_DIR } from './server-process';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadSpec {
  baseUrl: string;
  requests: LoadRequest[];
  connections: number;
  durationSec: number;
  /** Fixed request rate over all connections (open loop); wrk cannot, so this runs autocannon. */
  ratePerSec?: number;
}

export interface LoadResult {
  requestsPerSec: number;
  p99Ms: number;
  /** Responses that were not 2xx, plus socket errors and timeouts: any of them spoils a run. */
  failures: number;
}

export type LoadTool = 'wrk' | 'autocannon';

function wrkInstalled(): boolean {
  try {
    execFileSync('wrk', ['-v'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk -v prints its version and exits 1; only a missing binary is ENOENT.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

export function chooseLoadTool(env: NodeJS.ProcessEnv = process.env): LoadTool {
  if (env.BENCH_LOAD === 'wrk' || env.BENCH_LOAD === 'autocannon') return env.BENCH_LOAD;
  return wrkInstalled() ? 'wrk' : 'autocannon';
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: ROOT_DIR, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function luaString(text: string): string {
  return `[==[${text}]==]`;
}

/**
 * A wrk script that cycles through the requests, each formatted once, in init(): only by
 * then has wrk set the Host header that wrk.format copies into each request.
 */
function wrkScript(requests: LoadRequest[]): string {
  const lines = ['local requests = {}', 'init = function(args)'];
  for (const r of requests) {
    const headers = Object.entries(r.headers ?? {})
      .map(([name, value]) => `[ ${luaString(name)} ] = ${luaString(value)}`)
      .join(', ');
    const body = r.body === undefined ? 'nil' : luaString(r.body);
    lines.push(`  requests[#requests + 1] = wrk.format(${luaString(r.method)}, ${luaString(r.path)}, { ${headers} }, ${body})`);
  }
  lines.push(
    'end',
    'local counter = 0',
    'request = function()',
    '  counter = counter % #requests + 1',
    '  return requests[counter]',
    'end',
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format("RESULT %d %f %f %d\\n", summary.requests, summary.duration / 1e6, latency:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout))',
    'end',
  );
  return lines.join('\n');
}

async function runWrk(spec: LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'servertrack-wrk-'));
  const script = path.join(dir, 'requests.lua');
  writeFileSync(script, wrkScript(spec.requests));
  const args = ['-t1', `-c${spec.connections}`, `-d${spec.durationSec}s`, '--timeout', '5s', '-s', script, spec.baseUrl];
  const [command, pinnedArgs] = pinned(LOAD_CORE, 'wrk', args);
  const out = await run(command, pinnedArgs);
  const match = /RESULT (\d+) ([\d.]+) ([\d.]+) (\d+)/.exec(out);
  if (!match) throw new Error(`unexpected wrk output:\n${out}`);
  return { requestsPerSec: Number(match[1]) / Number(match[2]), p99Ms: Number(match[3]), failures: Number(match[4]) };
}

async function runAutocannon(spec: LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'servertrack-autocannon-'));
  const specFile = path.join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const [command, args] = pinned(LOAD_CORE, process.execPath, [...tsNodeArgs('bench/lib/autocannon-worker.ts'), specFile]);
  return JSON.parse(await run(command, args)) as LoadResult;
}

export function runLoad(tool: LoadTool, spec: LoadSpec): Promise<LoadResult> {
  return tool === 'wrk' && spec.ratePerSec === undefined ? runWrk(spec) : runAutocannon(spec);
}

/** The load command for a README line. */
export function describeLoad(tool: LoadTool, connections: number, durationSec: number): string {
  const pin = `taskset -c ${LOAD_CORE}`;
  return tool === 'wrk'
    ? `${pin} wrk -t1 -c${connections} -d${durationSec}s (a Lua script cycling the requests)`
    : `${pin} autocannon -c ${connections} -d ${durationSec} (programmatic, cycling the requests)`;
}
