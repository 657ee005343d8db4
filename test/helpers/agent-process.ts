/*
 * Runs examples/agent.sh under /bin/sh (dash on Debian, so bash-isms fail) and keeps what
 * it writes to stderr, plus a listening app whose store remembers every sample it recorded.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { Express } from 'express';
import { HostStore } from '../../src/store/host-store';
import { RecordOutcome, Sample } from '../../src/store/store';
import { ROOT_DIR } from './server-process';

const AGENT_PATH = path.join(ROOT_DIR, 'examples', 'agent.sh');
const POLL_INTERVAL_MS = 20;
const WAIT_TIMEOUT_MS = 20_000; // generous: CI runs test files in parallel on 2 busy cores

export interface AgentProcess {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

export function startAgent(env: Record<string, string>): AgentProcess {
  const child = spawn('/bin/sh', [AGENT_PATH], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    // A process group of its own, so stop() ends the agent with whatever it runs (sleep, curl).
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    stderr: () => stderr,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

/** Resolves once `condition` holds; the agent runs on its own clock, so this polls. */
export async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

export interface RecordedSample {
  host: string;
  cpuLoad: number;
  memLoad: number;
}

/** A HostStore that also keeps every sample it was given and can run a hook after each. */
export class RecordingStore extends HostStore {
  readonly samples: RecordedSample[] = [];
  afterRecord: (count: number) => void = () => undefined;

  override record(host: string, sample: Sample, nowSec: number): RecordOutcome {
    const outcome = super.record(host, sample, nowSec);
    this.samples.push({ host, cpuLoad: sample.cpuLoad, memLoad: sample.memLoad });
    this.afterRecord(this.samples.length);
    return outcome;
  }
}

export async function listen(app: Express): Promise<{ server: Server; baseUrl: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
