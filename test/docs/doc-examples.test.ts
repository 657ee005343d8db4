import { mask, outputMatches, parseDocExamples } from './doc-examples';

const fence = (...lines: string[]): string => ['```sh', ...lines, '```'].join('\n');

describe('parseDocExamples', () => {
  it('reads commands, their continuation lines and the output under each', () => {
    const page = [
      'Intro',
      '',
      fence('$ curl -d a=1 \\', '    http://localhost:8080/perf/web-01', '$ curl http://localhost:8080/perf', '[]'),
    ].join('\n');
    expect(parseDocExamples(page, 'p.md')).toEqual([
      {
        file: 'p.md',
        line: 3,
        env: {},
        redisDown: false,
        commands: [
          { line: 4, text: 'curl -d a=1 \\\n    http://localhost:8080/perf/web-01', expected: '' },
          { line: 6, text: 'curl http://localhost:8080/perf', expected: '[]' },
        ],
      },
    ]);
  });

  it('takes the server set-up from the directive and checks the npm start line against it', () => {
    const page = [
      '<!-- doc-test: env SERVERTRACK_TOKEN=s3cret -->',
      fence('$ SERVERTRACK_TOKEN=s3cret npm start', '$ curl http://localhost:8080/perf'),
    ].join('\n');
    const [block] = parseDocExamples(page, 'p.md');
    expect([block.env, block.commands.map((c) => c.text)]).toEqual([{ SERVERTRACK_TOKEN: 's3cret' }, ['curl http://localhost:8080/perf']]);
    expect(() =>
      parseDocExamples(
        ['<!-- doc-test: env SERVERTRACK_TOKEN=other -->', fence('$ SERVERTRACK_TOKEN=s3cret npm start', '$ curl x')].join('\n'),
        'p.md',
      ),
    ).toThrow(`p.md:3: 'SERVERTRACK_TOKEN=s3cret npm start' does not match the block's doc-test env {"SERVERTRACK_TOKEN":"other"}`);
  });

  it('leaves blocks without curl alone', () => {
    expect(parseDocExamples(fence('SERVERTRACK_URL=http://tracker:8080 sh examples/agent.sh'), 'p.md')).toEqual([]);
  });

  describe('fails on an example it cannot classify', () => {
    it.each([
      [
        'curl without a "$ " prompt',
        fence('curl http://localhost:8080/perf'),
        `p.md:2: an example block with curl must start with a "$ " command, got 'curl http://localhost:8080/perf'`,
      ],
      [
        'a command that is not curl',
        fence('$ curl http://localhost:8080/perf', '$ rm -rf /tmp/x'),
        `p.md:3: cannot run 'rm -rf /tmp/x': examples run curl commands (and name the server with npm start)`,
      ],
      [
        'curl in a block that is not sh',
        '```text\n$ curl http://localhost:8080/perf\n```',
        `p.md:1: an example with curl must be a sh block, got 'text'`,
      ],
      [
        'an unknown directive',
        `<!-- doc-test: redis up -->\n${fence('$ curl x')}`,
        `p.md:1: unknown doc-test directive 'redis up' (known: 'env NAME=value ...', 'redis down')`,
      ],
      [
        'a directive before prose',
        `<!-- doc-test: env A=1 -->\n${fence('npm start')}`,
        'p.md:1: a doc-test directive before a block that runs no curl',
      ],
    ])('%s', (_what, page, message) => {
      expect(() => parseDocExamples(page, 'p.md')).toThrow(message);
    });
  });
});

describe('outputMatches', () => {
  it('masks times, epochs, addresses and durations on both sides', () => {
    expect(mask('{"time":"2026-11-27T18:38:15Z","t":1764268695.5} http://127.0.0.1:39211 "durationMs":0.41')).toBe(
      '{"time":"<time>","t":<epoch>} http://<address> "durationMs":<ms>',
    );
    expect(outputMatches('[{"time":"2026-11-27T18:38:15Z","samples":1}]', '[{"time":"2026-12-03T15:35:33Z","samples":1}]')).toBe(true);
    expect(outputMatches('[{"time":"2026-11-27T18:38:15Z","samples":1}]', '[{"time":"2026-12-03T15:35:33Z","samples":2}]')).toBe(false);
  });

  it('reads ... as any text, none included', () => {
    expect(outputMatches('[{"a":1},...]', '[{"a":1},{"a":2},{"a":3}]')).toBe(true);
    expect(outputMatches('[{"a":1}...]', '[{"a":1}]')).toBe(true);
    expect(outputMatches('[{"a":1},...]', '[{"a":2},{"a":1}]')).toBe(false);
  });

  it('after curl -i, checks the status line, the headers shown and the body', () => {
    const actual = 'HTTP/1.1 401 Unauthorized\r\nX-Frame-Options: SAMEORIGIN\r\nwww-authenticate: Bearer realm="x"\r\n\r\n{"error":"no"}';
    expect(outputMatches('HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer realm="x"\n{"error":"no"}', actual)).toBe(true);
    expect(outputMatches('HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer realm="y"\n{"error":"no"}', actual)).toBe(false);
    expect(outputMatches('HTTP/1.1 403 Forbidden\n{"error":"no"}', actual)).toBe(false);
    expect(outputMatches('HTTP/1.1 401 Unauthorized\n{"error":"yes"}', actual)).toBe(false);
  });
});
