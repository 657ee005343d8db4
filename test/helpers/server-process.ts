/*
 * Starts a server as a real child process on a free port and reads the port back from its
 * start-up line ("listening on http://host:port"), as an operator's supervisor would. By
 * default the built ServerTrack (dist/server.js: jest builds it once per run, see
 * build-once.ts); the benchmarks start their reference servers through it too, pinned to a core.
 * Tests wait for what the process prints (waitForLines), never for a fixed time.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT_DIR = path.resolve(__dirname, '../..');
const START_TIMEOUT_MS = 20_000;
const LINE_WAIT_TIMEOUT_MS = 20_000;

/** Compiles dist/, unless jest's globalSetup (build-once.ts) already did for this run. */
export function buildServer(): void {
  // A second build while another test file runs dist/server.js could let it read a half-written file.
  if (process.env.SERVERTRACK_TEST_DIST_BUILT === '1') return;
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT_DIR });
}

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  /**
   * Resolves with the exit code (or the signal name) once the process has gone and its
   * output has been read to the end.
   */
  exited: Promise<number | string>;
  /** Resolves once `count` complete lines of output match `pattern`; rejects, showing the output, after 20 s. */
  waitForLines(pattern: RegExp, count?: number): Promise<void>;
  /** Sends SIGTERM (unless it has gone already) and resolves with how it exited. */
  stop(): Promise<number | string>;
}

export interface ServerProcessOptions {
  /** What the process is called in errors. */
  name?: string;
  /** Arguments to node, relative to the repository root: dist/server.js unless given. */
  nodeArgs?: string[];
  /** Rewrites the command before it is spawned, e.g. to pin it to a core with taskset. */
  wrap?: (command: string, args: string[]) => [string, string[]];
  /** Start-up lines to wait for: one per worker when it runs SERVERTRACK_WORKERS > 1. */
  listeningLines?: number;
  /** How long to wait for the start-up line(s): 20 s unless given (a bench server that fills a large store first needs more). */
  startTimeoutMs?: number;
}

/**
 * This process's environment minus the test runner's own SERVERTRACK_TEST_ settings, which
 * the server would refuse as unknown settings.
 */
export function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SERVERTRACK_TEST_')));
}

function countLines(output: string, pattern: RegExp): number {
  // The last piece has no newline yet: a line half read from the pipe must not count.
  return output
    .split('\n')
    .slice(0, -1)
    .filter((line) => pattern.test(line)).length;
}

export function startServerProcess(env: Record<string, string> = {}, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const name = options.name ?? 'server';
  const [command, args] = (options.wrap ?? ((c, a) => [c, a]))(process.execPath, options.nodeArgs ?? ['dist/server.js']);
  const child = spawn(command, args, {
    cwd: ROOT_DIR,
    env: { ...inheritedEnv(), PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters = new Set<() => void>();
  // 'close', not 'exit': 'exit' can come before the last lines have been read from the pipes.
  const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? -1)));

  const waitForLines = (pattern: RegExp, count = 1): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (countLines(output, pattern) < count) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${count} line(s) matching ${pattern}:\n${output}`));
      }, LINE_WAIT_TIMEOUT_MS);
      waiters.add(check);
      check();
      void exited.then(() => {
        if (!waiters.delete(check)) return;
        clearTimeout(timer);
        reject(new Error(`${name} exited before printing ${count} line(s) matching ${pattern}:\n${output}`));
      });
    });

  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const check of [...waiters]) check();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const stop = async (): Promise<number | string> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };

  const listening = /listening on http:\/\/[^:]+:(\d+)/;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never leave a half-started server behind
      reject(new Error(`${name} did not start:\n${output}`));
    }, options.startTimeoutMs ?? START_TIMEOUT_MS);
    void waitForLines(listening, options.listeningLines ?? 1).then(
      () => {
        clearTimeout(timer);
        const port = listening.exec(output)?.[1];
        resolve({ child, baseUrl: `http://127.0.0.1:${port}`, output: () => output, exited, waitForLines, stop });
      },
      () => undefined,
    ); // the start timer above reports a start that never came
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${output}`));
    });
  });
}
