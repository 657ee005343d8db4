/*
 * What every scenario prints: a markdown table (pasted as is into the README) and the
 * command that reproduces it.
 */
import os from 'node:os';

export function printTable(title: string, headers: string[], rows: string[][]): void {
  const lines = [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
  console.log(`\n### ${title}\n\n${lines.join('\n')}\n`);
}

export function printCommand(command: string): void {
  console.log(`reproduce with: ${command}`);
}

export function describeMachine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return `${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, load average ${load}`;
}

export function log(message: string): void {
  console.error(`[bench] ${message}`);
}
