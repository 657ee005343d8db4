/*
 * Test doubles for the programs examples/agent.sh calls, put first on its PATH so the tick
 * arithmetic can be checked exactly, without waiting on the wall clock:
 *
 *   date    prints the time held in <dir>/now-ns (nanoseconds since the epoch), or whole
 *           seconds followed by a literal %N when <dir>/no-nanoseconds exists, as a date
 *           without %N does
 *   sleep   logs its argument to <dir>/sleeps, moves the clock on by it and the CPU
 *           counters of <dir>/proc/stat on by one tick (100 jiffies busy, 100 idle: 50 %),
 *           then really sleeps 10 ms so the loop never spins
 *   curl    logs each call to <dir>/curl-calls and runs the real curl
 *
 * The test's server moves the clock on too (advanceClock), to stand for a slow POST.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const NS_PER_SECOND = 1_000_000_000n;

const DATE_DOUBLE = `#!/bin/sh
now=$(cat "$AGENT_TEST_DIR/now-ns")
seconds=\${now%?????????}
case $1 in
  +%s%N) if [ -e "$AGENT_TEST_DIR/no-nanoseconds" ]; then echo "$seconds%N"; else echo "$now"; fi ;;
  +%s) echo "$seconds" ;;
  *) echo "date double: unexpected arguments: $*" >&2; exit 1 ;;
esac
`;

const SLEEP_DOUBLE = `#!/bin/sh
echo "$1" >> "$AGENT_TEST_DIR/sleeps"
whole=\${1%.*}
fraction=\${1#*.}
fraction=\${fraction#"\${fraction%%[!0]*}"}
now=$(cat "$AGENT_TEST_DIR/now-ns")
echo $((now + whole * 1000000000 + \${fraction:-0})) > "$AGENT_TEST_DIR/now-ns.tmp"
mv "$AGENT_TEST_DIR/now-ns.tmp" "$AGENT_TEST_DIR/now-ns"
read -r _label user _rest < "$AGENT_TEST_DIR/proc/stat"
echo "cpu  $((user + 100)) 0 0 $((user + 100)) 0 0 0 0 0 0" > "$AGENT_TEST_DIR/proc/stat.tmp"
mv "$AGENT_TEST_DIR/proc/stat.tmp" "$AGENT_TEST_DIR/proc/stat"
exec /bin/sleep 0.01
`;

function curlDouble(realCurl: string): string {
  return `#!/bin/sh
echo call >> "$AGENT_TEST_DIR/curl-calls"
exec ${realCurl} "$@"
`;
}

export interface AgentDoubles {
  /** Environment for startAgent: PATH with the doubles first, AGENT_TEST_DIR, SERVERTRACK_PROC. */
  env: Record<string, string>;
  /** Each argument the agent gave sleep, in order. */
  sleeps(): string[];
  curlCalls(): number;
  /** Moves the fake clock on, as time spent outside sleep (a slow POST) would. */
  advanceClock(seconds: number): void;
  /** From now on date behaves as one without %N. */
  dropNanoseconds(): void;
  remove(): void;
}

export function agentDoubles(startNs: bigint): AgentDoubles {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'agent-doubles-'));
  const binDir = path.join(dir, 'bin');
  mkdirSync(binDir);
  mkdirSync(path.join(dir, 'proc'));
  const realCurl = execFileSync('/bin/sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).trim();
  const scripts: Record<string, string> = { date: DATE_DOUBLE, sleep: SLEEP_DOUBLE, curl: curlDouble(realCurl) };
  for (const [name, text] of Object.entries(scripts)) {
    writeFileSync(path.join(binDir, name), text);
    chmodSync(path.join(binDir, name), 0o755);
  }
  const nowFile = path.join(dir, 'now-ns');
  writeFileSync(nowFile, `${startNs}\n`);
  writeFileSync(path.join(dir, 'proc', 'stat'), 'cpu  1000 0 0 1000 0 0 0 0 0 0\n');
  writeFileSync(path.join(dir, 'proc', 'meminfo'), 'MemTotal:       8000000 kB\nMemAvailable:   2000000 kB\n');
  const lines = (name: string): string[] => {
    try {
      return readFileSync(path.join(dir, name), 'utf8').split('\n').slice(0, -1);
    } catch {
      return [];
    }
  };
  return {
    env: { PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, AGENT_TEST_DIR: dir, SERVERTRACK_PROC: path.join(dir, 'proc') },
    sleeps: () => lines('sleeps'),
    curlCalls: () => lines('curl-calls').length,
    advanceClock: (seconds) => {
      const now = BigInt(readFileSync(nowFile, 'utf8').trim());
      writeFileSync(`${nowFile}.test`, `${now + BigInt(Math.round(seconds * 1000)) * (NS_PER_SECOND / 1000n)}\n`);
      renameSync(`${nowFile}.test`, nowFile);
    },
    dropNanoseconds: () => writeFileSync(path.join(dir, 'no-nanoseconds'), ''),
    // Retried: a double the agent was running when stopped may still be finishing a write.
    remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 }),
  };
}

/** Nanoseconds since the epoch of `seconds` plus `milliseconds`, exactly. */
export function epochNs(seconds: number, milliseconds = 0): bigint {
  return BigInt(seconds) * NS_PER_SECOND + BigInt(milliseconds) * (NS_PER_SECOND / 1000n);
}
