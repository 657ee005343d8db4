import { spawn } from 'node:child_process';
import { ROOT_DIR, startServerProcess } from '../helpers/server-process';

jest.setTimeout(60_000);

type LogLine = Record<string, unknown> & { level: number; msg: string };

function jsonLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LogLine);
}

describe('the logs of the built server', () => {
  describe('at LOG_LEVEL=debug with a token', () => {
    it('writes only JSON lines, one access line per request, and never a token', async () => {
      const token = 'logs-e2e-secret-4d2f';
      const server = await startServerProcess({ LOG_LEVEL: 'debug', SERVERTRACK_TOKEN: token });
      const body = 'cpuload=1&memload=2';
      const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
      await fetch(`${server.baseUrl}/perf/web-01`, { method: 'POST', headers: { ...form, Authorization: `Bearer ${token}` }, body });
      await fetch(`${server.baseUrl}/perf/web-01`, {
        method: 'POST',
        headers: { ...form, Authorization: 'Bearer wrong-secret-guess' },
        body,
      });
      await fetch(`${server.baseUrl}/metrics?token=${token}`, { headers: { Authorization: `Bearer ${token}` } });

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const lines = jsonLines(server.output());
      const access = lines.filter((line) => line.msg === 'request');
      expect(access.map(({ level, method, path, status, error }) => ({ level, method, path, status, error }))).toEqual([
        { level: 20, method: 'POST', path: '/perf/web-01', status: 201, error: undefined },
        { level: 20, method: 'POST', path: '/perf/web-01', status: 401, error: 'bearer token is not valid' },
        // A token in the query string is refused (no route reads one) and named without its value.
        { level: 20, method: 'GET', path: '/metrics', status: 400, error: 'unknown query parameter "token"; this route takes none' },
      ]);
      expect(lines.map((line) => line.msg)).toEqual([
        expect.stringMatching(/^servertrack listening on /),
        'request',
        'request',
        'request',
        'stopping: finishing in-flight requests',
        'stopped',
      ]);
      expect(lines[0]).toMatchObject({ level: 30, version: '1.0.0', settings: { logLevel: 'debug', authTokens: '1 redacted' } });
      expect(server.output()).not.toContain('secret');
    });
  });

  describe('when the configuration is invalid', () => {
    it('writes one fatal JSON line naming the setting and exits 1', async () => {
      const child = spawn(process.execPath, ['dist/server.js'], {
        cwd: ROOT_DIR,
        env: { ...process.env, PORT: 'eighty', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise((resolve) => child.once('close', resolve));

      expect(code).toBe(1);
      expect(jsonLines(output)).toEqual([
        expect.objectContaining({
          level: 60,
          service: 'servertrack',
          msg: "servertrack failed to start: PORT must be an integer from 0 to 65535, got 'eighty'",
        }),
      ]);
    });
  });
});
