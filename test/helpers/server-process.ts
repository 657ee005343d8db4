/*
 * Starts the built server (dist/server.js) as a real child process on a free port and
 * reads the port back from its start-up line, as an operator's supervisor would.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT_DIR = path.resolve(__dirname, '../..');
const START_TIMEOUT_MS = 15_000;

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
  /** Resolves with the exit code (or the signal name) once the process has gone. */
  exited: Promise<number | string>;
}

/**
 * This process's environment minus the test runner's own SERVERTRACK_TEST_ settings, which
 * the server would refuse as unknown settings.
 */
export function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SERVERTRACK_TEST_')));
}

export function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: ROOT_DIR,
    env: { ...inheritedEnv(), PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, baseUrl: `http://127.0.0.1:${match[1]}`, output: () => output, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
}
