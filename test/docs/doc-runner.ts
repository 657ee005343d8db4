/*
 * Runs the examples of one page as a reader would type them: against the built server
 * (dist/server.js, built once by test/helpers/build-once.ts), one fresh server per page and
 * per server set-up the page declares, in page order, each command through bash with
 * http://localhost:8080 pointing at the test's server on its free port.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/redis-server';
import { ROOT_DIR, ServerProcess, startServerProcess } from '../helpers/server-process';
import { DocBlock, DocCommand, parseDocExamples } from './doc-examples';

const COMMAND_TIMEOUT_MS = 10_000;
// What the pages write for "a Redis on this machine"; the test puts its own Redis there.
const DOC_REDIS_URL = 'redis://127.0.0.1:6379';

/** README.md and every page of docs/, as paths relative to the repository. */
export function docPages(): string[] {
  const docs = readdirSync(path.join(ROOT_DIR, 'docs')).filter((f) => f.endsWith('.md'));
  return ['README.md', ...docs.sort().map((f) => `docs/${f}`)];
}

export function readDocBlocks(page: string): DocBlock[] {
  return parseDocExamples(readFileSync(path.join(ROOT_DIR, page), 'utf8'), page);
}

export function needsRedis(block: DocBlock): boolean {
  return block.env.SERVERTRACK_STORE === 'redis';
}

export interface CommandResult {
  exitCode: number | string;
  stdout: string;
  stderr: string;
}

export function runCommand(command: DocCommand, baseUrl: string): Promise<CommandResult> {
  const script = command.text.replace(/http:\/\/localhost:8080/g, baseUrl);
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { cwd: os.tmpdir(), timeout: COMMAND_TIMEOUT_MS }, (err, stdout, stderr) => {
      const exitCode = err ? ((err as NodeJS.ErrnoException & { code?: number | string }).code ?? 'killed') : 0;
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/** The servers of one page, one per distinct set-up, started on first use. */
export class DocServers {
  private readonly servers = new Map<string, Promise<ServerProcess>>();

  constructor(private readonly redisUrl?: string) {}

  baseUrl(block: DocBlock): Promise<string> {
    const key = JSON.stringify([block.env, block.redisDown]);
    let server = this.servers.get(key);
    if (!server) {
      server = this.envFor(block).then((env) => startServerProcess(env));
      this.servers.set(key, server);
    }
    return server.then((s) => s.baseUrl);
  }

  async stopAll(): Promise<void> {
    const servers = await Promise.allSettled(this.servers.values());
    this.servers.clear();
    await Promise.all(
      servers.map(async (settled) => {
        if (settled.status !== 'fulfilled' || settled.value.child.exitCode !== null) return;
        settled.value.child.kill('SIGTERM');
        await settled.value.exited;
      }),
    );
  }

  private async envFor(block: DocBlock): Promise<Record<string, string>> {
    if (!needsRedis(block)) return { ...block.env };
    if (!this.redisUrl) throw new Error(`${block.file}:${block.line}: a Redis example; these run in npm run test:redis`);
    // Nothing listens on a fresh free port: that is Redis being down.
    const url = block.redisDown ? `redis://127.0.0.1:${await freePort()}` : this.redisUrl;
    const env = Object.fromEntries(Object.entries(block.env).map(([k, v]) => [k, v.replace(DOC_REDIS_URL, url)]));
    // Keys of its own, so other tests sharing this Redis see none of the page's hosts.
    return { REDIS_KEY_PREFIX: `doc-test-${process.pid}-${block.line}:`, ...env };
  }
}
