/*
 * docs/benchmarks.md, from what the scenarios of one `npm run bench` recorded (report.ts):
 * a header saying it is generated and how, the method once, then one section per scenario
 * with what it measures (its file's header comment), its command and its tables as printed.
 */
import { ReportEntry, markdownTable } from './report';

export interface ScenarioResult {
  name: string;
  description: string;
  entries: ReportEntry[];
  failure?: string; // why the scenario has no results in this run
}

export interface RunInfo {
  quick: boolean;
  rounds: number;
  durationSec: number;
  warmupSec: number;
  connections: number;
  loadTool: string;
  pinned: boolean;
  machine: string;
  loadAverageAtStart: string;
  loadAverageAtEnd: string;
  date: string; // YYYY-MM-DD
  minutes: number;
}

/** The opening comment of a scenario file, as one paragraph. */
export function headerComment(source: string): string {
  const match = /^\/\*([\s\S]*?)\*\//.exec(source);
  if (!match) return '';
  return match[1]
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim())
    .filter(Boolean)
    .join(' ');
}

function method(run: RunInfo): string {
  return `## Method

- **Baselines in the same run.** Every scenario measures its reference (a raw \`node:http\`
  server, a default Express app, a \`Map\` update, \`GET /healthz\`, ...) in the same run, in
  alternating rounds (the order rotates each round so no contender always goes first), and
  reports the median of the rounds and the median of the per-round ratios.
- **Ratios are what count.** The machine may be busy with other work while the benchmarks
  run: absolute figures move with it, the ratios to a baseline measured in the same round
  far less. Compare ratios between runs, not req/s.
- **Pinned cores.** The server under test runs on core 0 (\`taskset -c 0\`), the load generator
  on core 1. In-process scenarios pin themselves to core 0 and count CPU time
  (\`process.cpuUsage\`), not wall time, so time other processes held the core is not charged.
  ${run.pinned ? 'This run was pinned.' : '**This run was not pinned** (fewer than 2 cores or no `taskset`).'}
- **Load generator.** \`wrk\` when it is installed (\`apt-get install wrk\`), else \`autocannon\`
  from npm, so a fresh clone needs nothing outside npm. Open-loop loads (a fixed rate) always
  use autocannon, which can pace requests. \`BENCH_LOAD=autocannon|wrk\` forces one. This run
  used ${run.loadTool}.
- **Settings.** ${run.rounds} rounds (\`BENCH_ROUNDS\`, default 5), ${run.durationSec} s per measured load (\`BENCH_DURATION_SEC\`, default 10) after ${run.warmupSec} s of warm-up thrown away (\`BENCH_WARMUP_SEC\`, default 2), ${run.connections} connections (\`BENCH_CONNECTIONS\`, default 50). In-process scenarios run a fixed number of iterations per round.
- **Machine.** ${run.machine}; load average ${run.loadAverageAtStart} when the run started, ${run.loadAverageAtEnd} when it ended.
`;
}

function section(result: ScenarioResult): string {
  const parts = [`## ${result.name}`, result.description];
  const commands = result.entries.flatMap((e) => (e.kind === 'command' ? [e.command] : []));
  if (commands.length > 0) parts.push(`Command: ${commands.map((c) => `\`${c}\``).join(', ')}`);
  if (result.failure) parts.push(`**Failed in this run:** ${result.failure}`);
  for (const entry of result.entries) {
    if (entry.kind === 'table') parts.push(`**${entry.title}**\n\n${markdownTable(entry.headers, entry.rows)}`);
    if (entry.kind === 'note') parts.push(entry.text);
  }
  return parts.filter(Boolean).join('\n\n');
}

export function renderBenchmarksPage(run: RunInfo, results: ScenarioResult[]): string {
  const how = run.quick
    ? `by a **quick check run** (\`BENCH_QUICK=1 npm run bench\`: ${run.rounds} rounds of ${run.durationSec} s, ${run.minutes} minutes): its figures are rough, for seeing that every scenario runs. Commit the page of a full \`npm run bench\`.`
    : `by a full \`npm run bench\` (${run.minutes} minutes).`;
  return `# Benchmarks

<!-- Written by npm run bench (bench/all.ts, bench/lib/benchmarks-page.ts); edits by hand are lost at the next run. -->

This page is written by \`npm run bench\` from what each scenario printed; do not edit it by hand, run it again. It was last written on ${run.date} ${how} Each scenario also runs alone with the command under its name. The targets, and why the write path is fast, are in [performance.md](performance.md).

${method(run)}
${results.map(section).join('\n\n')}
`;
}
