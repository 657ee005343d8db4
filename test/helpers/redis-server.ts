/*
 * Real redis-server processes for the Redis tests: a standalone server, or a 3-node cluster
 * built with `redis-cli --cluster create`, each on free ports in a temporary directory,
 * persistence off. stop() kills the processes and removes the directory.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 15_000;
const POLL_MS = 50;

export interface RedisServer {
  port: number;
  url: string;
  /** Its process id, to pin it to a core in a benchmark. */
  pid(): number;
  /** Kills the server (SIGKILL: Redis going away without warning). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisTestCluster {
  ports: number[];
  nodes: string; // REDIS_CLUSTER_NODES form: host:port,host:port,...
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
  return stdout.trim();
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

function spawnRedis(port: number, dir: string, extra: string[] = []): ChildProcess {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', ...extra],
    { stdio: 'ignore' },
  );
  child.on('error', () => undefined);
  return child;
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await gone;
}

export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'servertrack-redis-'));
  const port = await freePort();
  let child = spawnRedis(port, dir);
  const ready = (): Promise<void> => waitFor(`redis-server on port ${port}`, async () => (await redisCli(port, 'PING')) === 'PONG');
  await ready();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: () => child.pid ?? NaN,
    kill: () => killAndWait(child),
    async restart() {
      await killAndWait(child);
      child = spawnRedis(port, dir);
      await ready();
    },
    async stop() {
      await killAndWait(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startRedisCluster(size = 3): Promise<RedisTestCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'servertrack-redis-cluster-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(killAndWait));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < size; i++) {
      const port = await freePort();
      ports.push(port);
      // Each node needs its own config file; they live side by side in the temporary directory.
      children.push(spawnRedis(port, dir, ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`]));
    }
    for (const port of ports) await waitFor(`cluster node ${port}`, async () => (await redisCli(port, 'PING')) === 'PONG');
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) {
      await waitFor(`cluster_state:ok on ${port}`, async () => (await redisCli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { ports, nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), stop };
}
