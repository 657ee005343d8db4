/*
 * Debian's collectd (collectd-core), run in the foreground with a configuration written to
 * a temporary folder: the cpu and memory plugins as docs/collectd.md configures them,
 * write_http to a ServerTrack, and the csv plugin, which writes every value collectd read to
 * a file: what the test counts reads by. Its log goes to stdout, which start() waits on.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const COLLECTD_PATH = '/usr/sbin/collectd';
const START_TIMEOUT_MS = 20_000;

export interface CollectdOptions {
  hostname: string;
  url: string;
  format: 'JSON' | 'Command';
  /** write_http lines for auth: User/Password or a Header. */
  authLines: string[];
}

export interface CollectdProcess {
  child: ChildProcess;
  output(): string;
  /** Sends SIGTERM (collectd flushes write_http's buffer as it stops) and waits for the exit code. */
  stop(): Promise<number | string>;
  /** Stops it and removes its folder. */
  remove(): Promise<void>;
  /** Times (epoch seconds) of every value collectd read, from its csv files, for plugin/type-instance like 'cpu/percent-idle'. */
  readTimes(valueName: string): number[];
}

function config(dir: string, options: CollectdOptions): string {
  return `Hostname "${options.hostname}"
FQDNLookup false
Interval 1
BaseDir "${dir}"
PIDFile "${dir}/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File STDOUT
</Plugin>
LoadPlugin cpu
LoadPlugin memory
LoadPlugin csv
LoadPlugin write_http
<Plugin cpu>
  ReportByCpu false
  ReportByState true
  ValuesPercentage true
</Plugin>
<Plugin memory>
  ValuesAbsolute false
  ValuesPercentage true
</Plugin>
<Plugin csv>
  DataDir "${dir}/csv"
  StoreRates false
</Plugin>
<Plugin write_http>
  <Node "servertrack">
    URL "${options.url}"
    Format "${options.format}"
${options.authLines.map((line) => `    ${line}`).join('\n')}
  </Node>
</Plugin>
`;
}

export function startCollectd(options: CollectdOptions): Promise<CollectdProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'servertrack-collectd-'));
  const file = path.join(dir, 'collectd.conf');
  writeFileSync(file, config(dir, options));
  const child = spawn(COLLECTD_PATH, ['-f', '-C', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? -1)));

  const readTimes = (valueName: string): number[] => {
    const [plugin, file] = valueName.split('/');
    const folder = path.join(dir, 'csv', options.hostname, plugin);
    if (!existsSync(folder)) return [];
    return readdirSync(folder)
      .filter((name) => name.startsWith(`${file}-`))
      .flatMap((name) => readFileSync(path.join(folder, name), 'utf8').split('\n').slice(1))
      .filter((line) => line !== '')
      .map((line) => Number(line.split(',')[0]));
  };
  const stop = async (): Promise<number | string> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  const remove = async (): Promise<void> => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`collectd did not start:\n${output}`));
    }, START_TIMEOUT_MS);
    const check = (): void => {
      if (!output.includes('Initialization complete')) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve({ child, output: () => output, readTimes, stop, remove });
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`collectd exited with ${code} before starting:\n${output}`));
    });
  });
}
