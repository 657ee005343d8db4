/*
 * What every scenario prints: markdown tables, notes (the load command, what was achieved
 * meanwhile) and the command that reproduces them. Under `npm run bench` (bench/all.ts) each
 * is also appended to BENCH_REPORT_FILE as one JSON line, which the runner turns into
 * docs/benchmarks.md, so the page holds what the scenario printed, never a hand copy.
 */
import { appendFileSync } from 'node:fs';
import os from 'node:os';

export type ReportEntry =
  | { kind: 'table'; title: string; headers: string[]; rows: string[][] }
  | { kind: 'note'; text: string }
  | { kind: 'command'; command: string };

function record(entry: ReportEntry): void {
  const file = process.env.BENCH_REPORT_FILE;
  if (file) appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

export function markdownTable(headers: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function printTable(title: string, headers: string[], rows: string[][]): void {
  console.log(`\n### ${title}\n\n${markdownTable(headers, rows)}\n`);
  record({ kind: 'table', title, headers, rows });
}

/** A line that belongs with the tables in the results (how the load was made, say). */
export function printNote(text: string): void {
  console.log(text);
  record({ kind: 'note', text });
}

export function printCommand(command: string): void {
  console.log(`reproduce with: ${command}`);
  record({ kind: 'command', command });
}

export function describeMachine(): string {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, load average ${load}`;
}

export function log(message: string): void {
  console.error(`[bench] ${message}`);
}
