/*
 * Starts a server under test as its own process, pinned to the server core, and reads its
 * port from the "listening on http://host:port" line every server here prints.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { SERVER_CORE, pinned, tsNodeArgs } from './cores';

export const ROOT_DIR = path.resolve(__dirname, '../..');
const START_TIMEOUT_MS = 20_000;

export interface ServerSpec {
  name: string;
  /** Arguments to node, relative to the repository root. */
  nodeArgs: string[];
  env?: Record<string, string>;
}

export interface RunningServer {
  child: ChildProcess;
  baseUrl: string;
  stop(): Promise<void>;
}

export const SERVERTRACK: ServerSpec = { name: 'ServerTrack (full app)', nodeArgs: ['dist/server.js'] };
export const RAW_HTTP: ServerSpec = { name: 'raw node:http', nodeArgs: tsNodeArgs('bench/baselines/raw-http.ts') };
export const EXPRESS_DEFAULT: ServerSpec = { name: 'Express 5 + body-parser, default', nodeArgs: tsNodeArgs('bench/baselines/express-default.ts') };

export function startServer(spec: ServerSpec, extraNodeArgs: string[] = []): Promise<RunningServer> {
  const [command, args] = pinned(SERVER_CORE, process.execPath, [...extraNodeArgs, ...spec.nodeArgs]);
  const child = spawn(command, args, {
    cwd: ROOT_DIR,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited;
  };
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${spec.name} did not start:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.removeListener('data', onData);
        child.stdout?.resume();
        resolve({ child, baseUrl: `http://127.0.0.1:${match[1]}`, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => reject(new Error(`${spec.name} exited before listening:\n${output}`)));
  });
}
