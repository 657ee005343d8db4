/*
 * The servers a scenario measures, each started as its own process through the same helper
 * the tests use (test/helpers/server-process.ts), pinned to the server core unless a
 * scenario needs them free to use every core.
 */
import { ServerProcess, startServerProcess } from '../../test/helpers/server-process';
import { SERVER_CORE, pinned, tsNodeArgs } from './cores';

export { ROOT_DIR } from '../../test/helpers/server-process';
export type RunningServer = ServerProcess;

export interface ServerSpec {
  name: string;
  /** Arguments to node, relative to the repository root. */
  nodeArgs: string[];
  env?: Record<string, string>;
  /** SERVERTRACK_WORKERS, if more than one: the server is up once every worker listens. */
  workers?: number;
  /** false: the process may use every core (workers, Redis), so it is not pinned. */
  pinned?: boolean;
  /** How long it may take to print its start-up line; the helper's 20 s unless given. */
  startTimeoutMs?: number;
}

export const SERVERTRACK: ServerSpec = { name: 'ServerTrack (full app)', nodeArgs: ['dist/server.js'] };
export const RAW_HTTP: ServerSpec = { name: 'raw node:http', nodeArgs: tsNodeArgs('bench/servers/raw-http.ts') };
export const EXPRESS_DEFAULT: ServerSpec = {
  name: 'Express 5 + body-parser, default',
  nodeArgs: tsNodeArgs('bench/servers/express-default.ts'),
};

export function startServer(spec: ServerSpec): Promise<RunningServer> {
  return startServerProcess(spec.env, {
    name: spec.name,
    nodeArgs: spec.nodeArgs,
    wrap: spec.pinned === false ? undefined : (command, args) => pinned(SERVER_CORE, command, args),
    listeningLines: spec.workers,
    startTimeoutMs: spec.startTimeoutMs,
  });
}
