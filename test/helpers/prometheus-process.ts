/*
 * A real Prometheus (Debian's /usr/bin/prometheus) for the tests: a generated config, its
 * TSDB in a temporary folder, its web API on a free port. start() resolves once it prints
 * "Server is ready to receive web requests."; query() asks its HTTP API.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './redis-server';

const READY_TIMEOUT_MS = 30_000;
const READY_LINE = 'Server is ready to receive web requests.';

export interface PrometheusProcess {
  baseUrl: string;
  output(): string;
  /** The result of an instant query: each series' labels and value (as Prometheus prints it). */
  query(promql: string): Promise<{ metric: Record<string, string>; value: string }[]>;
  stop(): Promise<void>;
}

export async function startPrometheus(configYaml: string): Promise<PrometheusProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'servertrack-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(configFile, configYaml);
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Neither the console templates of the Debian package nor its default port are wanted here.
      `--web.console.templates=${dir}`,
      `--web.console.libraries=${dir}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };

  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(`prometheus did not print "${READY_LINE}" within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${why}:\n${output}`)));
    };
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (settled || !output.includes(READY_LINE)) return;
      settled = true;
      clearTimeout(timer);
      resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (err) => fail(`prometheus could not start (${err.message})`));
    child.once('exit', (code) => fail(`prometheus exited with ${code}`));
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    output: () => output,
    query: async (promql) => {
      const res = await fetch(`${baseUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
      return body.data!.result.map((series) => ({ metric: series.metric, value: series.value[1] }));
    },
    stop,
  };
}
