/*
 * Core pinning. The server gets one core and the load generator the other, so neither
 * steals the other's CPU time and "one core" in a result means one core.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const CAN_PIN = os.cpus().length >= 2 && hasTaskset();

/** The command and arguments that run `command` on `core` (unpinned when pinning is impossible). */
export function pinned(core: number, command: string, args: string[]): [string, string[]] {
  return CAN_PIN ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

/** Pins this very process, for in-process scenarios. */
export function pinSelf(core: number): void {
  if (CAN_PIN) execFileSync('taskset', ['-cp', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** Moves a running process onto `cores` (taskset's list form, '1' or '0-1'); nothing when pinning is impossible. */
export function pinProcess(pid: number, cores: string): void {
  if (CAN_PIN) execFileSync('taskset', ['-acp', cores, String(pid)], { stdio: 'ignore' });
}

/** Every core of this machine in taskset's list form, to unpin a process again. */
export const ALL_CORES = `0-${os.cpus().length - 1}`;

/** Arguments that make node run a TypeScript file from source. */
export function tsNodeArgs(file: string): string[] {
  return ['-r', 'ts-node/register/transpile-only', file];
}
