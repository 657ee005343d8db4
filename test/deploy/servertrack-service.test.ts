/*
 * deploy/servertrack.service, checked by systemd itself (`systemd-analyze verify`, from
 * Debian's systemd package; CI installs it) and against config.ts: the settings it sets must
 * start the server, and the sandbox must keep the directives operators rely on. systemd
 * checks that ExecStart's program exists, so the check runs on a copy pointing at this
 * checkout and this node instead of /opt/servertrack and /usr/bin/node.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { ROOT_DIR } from '../helpers/server-process';

const UNIT = readFileSync(path.join(ROOT_DIR, 'deploy', 'servertrack.service'), 'utf8');
const INSTALL_DIR = '/opt/servertrack';

/** Every `Key=value` line of the unit, in order (comments and section headers left out). */
function directives(unit: string): [string, string][] {
  return unit
    .split('\n')
    .filter((line) => /^[A-Za-z]+=/.test(line))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)];
    });
}

function values(key: string): string[] {
  return directives(UNIT)
    .filter(([k]) => k === key)
    .map(([, v]) => v);
}

function environment(): Record<string, string> {
  return Object.fromEntries(values('Environment').map((pair) => pair.split('=', 2) as [string, string]));
}

describe('deploy/servertrack.service', () => {
  it('passes systemd-analyze verify with no warning', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'servertrack-unit-'));
    try {
      const unitPath = path.join(folder, 'servertrack.service');
      writeFileSync(unitPath, UNIT.replaceAll('/usr/bin/node', process.execPath).replaceAll(INSTALL_DIR, ROOT_DIR));
      const verify = spawnSync('systemd-analyze', ['verify', unitPath], { encoding: 'utf8' });
      if (verify.error) throw new Error(`systemd-analyze cannot run (${verify.error.message}): install Debian's systemd package`);
      expect({ status: verify.status, output: `${verify.stdout}${verify.stderr}` }).toEqual({ status: 0, output: '' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('runs the built server with an absolute node, from the install folder', () => {
    expect(values('ExecStart')).toEqual(['/usr/bin/node /opt/servertrack/dist/server.js']);
    expect(values('WorkingDirectory')).toEqual([INSTALL_DIR]);
  });

  it('sets settings the server accepts, with snapshots in its state directory', () => {
    const config = loadConfig(environment());
    expect(values('StateDirectory')).toEqual(['servertrack']);
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', shutdownGraceSec: 10, snapshotPath: '/var/lib/servertrack/snapshot.bin' });
  });

  it('stops with SIGTERM to the main process, and waits longer than the grace period', () => {
    expect([values('KillSignal'), values('KillMode'), values('Restart')]).toEqual([['SIGTERM'], ['mixed'], ['on-failure']]);
    expect(Number(values('TimeoutStopSec')[0])).toBeGreaterThan(loadConfig(environment()).shutdownGraceSec);
  });

  it('runs sandboxed', () => {
    const sandbox = ['DynamicUser', 'ProtectSystem', 'NoNewPrivileges', 'PrivateTmp', 'ProtectHome', 'CapabilityBoundingSet'];
    expect(sandbox.map((key) => [key, values(key)])).toEqual([
      ['DynamicUser', ['yes']],
      ['ProtectSystem', ['strict']],
      ['NoNewPrivileges', ['yes']],
      ['PrivateTmp', ['yes']],
      ['ProtectHome', ['yes']],
      ['CapabilityBoundingSet', ['']],
    ]);
  });
});
