import { RunInfo, headerComment, renderBenchmarksPage } from '../../bench/lib/benchmarks-page';

const RUN: RunInfo = {
  quick: false,
  rounds: 5,
  durationSec: 10,
  warmupSec: 2,
  connections: 50,
  loadTool: 'autocannon',
  pinned: true,
  machine: '2 × AMD EPYC, 23.5 GiB, Linux 6.1.0, node v20.20.2',
  loadAverageAtStart: '1.0 1.0 1.0',
  loadAverageAtEnd: '2.0 1.5 1.2',
  date: '2026-12-03',
  minutes: 21,
};

describe('renderBenchmarksPage', () => {
  it('writes one section per scenario with its description, command, tables and notes, in the order recorded', () => {
    const page = renderBenchmarksPage(RUN, [
      {
        name: 'store',
        description: 'store: record() against a Map update.',
        entries: [
          {
            kind: 'table',
            title: 'store: in-process operations',
            headers: ['operation', 'ns/op'],
            rows: [
              ['Map get + set (baseline)', '25.6'],
              ['a | b', '68.2'],
            ],
          },
          { kind: 'note', text: 'load: none' },
          { kind: 'command', command: 'npm run bench:store' },
        ],
      },
    ]);
    expect(page.slice(page.indexOf('## store'))).toBe(
      [
        '## store',
        '',
        'store: record() against a Map update.',
        '',
        'Command: `npm run bench:store`',
        '',
        '**store: in-process operations**',
        '',
        '| operation | ns/op |',
        '| --- | --- |',
        '| Map get + set (baseline) | 25.6 |',
        '| a \\| b | 68.2 |',
        '',
        'load: none',
        '',
      ].join('\n'),
    );
  });

  it('says it is generated, by which command, and states the method and settings once', () => {
    const page = renderBenchmarksPage(RUN, []);
    expect(page).toContain('It was last written on 2026-12-03 by a full `npm run bench` (21 minutes).');
    expect(page).toContain(
      '- **Settings.** 5 rounds (`BENCH_ROUNDS`, default 5), 10 s per measured load (`BENCH_DURATION_SEC`, default 10) after 2 s',
    );
    expect(page).toContain(
      '- **Machine.** 2 × AMD EPYC, 23.5 GiB, Linux 6.1.0, node v20.20.2; load average 1.0 1.0 1.0 when the run started, 2.0 1.5 1.2 when it ended.',
    );
  });

  it('says so when the page comes from a quick check run', () => {
    const page = renderBenchmarksPage({ ...RUN, quick: true, rounds: 2, durationSec: 2, minutes: 4 }, []);
    expect(page).toContain(
      'by a **quick check run** (`BENCH_QUICK=1 npm run bench`: 2 rounds of 2 s, 4 minutes): its figures are rough, for seeing that every scenario runs. Commit the page of a full `npm run bench`.',
    );
  });
});

describe('renderBenchmarksPage with a failed scenario', () => {
  it('names the failure under the scenario', () => {
    const page = renderBenchmarksPage(RUN, [
      { name: 'reports', description: 'reports: GET.', entries: [], failure: '`npm run bench:reports` failed (1).' },
    ]);
    expect(page.slice(page.indexOf('## reports'))).toBe(
      '## reports\n\nreports: GET.\n\n**Failed in this run:** `npm run bench:reports` failed (1).\n',
    );
  });
});

describe('headerComment', () => {
  it("joins a scenario file's opening comment into one paragraph", () => {
    expect(headerComment('/*\n * store: record() and report()\n * in process.\n */\nimport x from "y";')).toBe(
      'store: record() and report() in process.',
    );
  });
});
