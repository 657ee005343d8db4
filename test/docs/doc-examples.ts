/*
 * The examples in README.md and docs/*.md, read as a test reads them (docs/api.md, "How the
 * examples read", states the convention for readers):
 *
 *   <!-- doc-test: env K=V ...; redis down -->   optional, on the line before the fence
 *   ```sh
 *   $ curl ... \                                 a command; a line ending in \ or | goes on
 *       http://localhost:8080/perf
 *   {"accepted":2}                               its output, up to the next "$ "
 *   $ SERVERTRACK_TOKEN=s3cret npm start         the server the block runs against (checked
 *   ```                                          against the directive, never run)
 *
 * Every fenced block that mentions curl is an example and must follow this form; anything
 * else in it is an error, so no example is skipped silently. Blocks without curl (set-up
 * commands, file layouts, log lines) are prose.
 */

export interface DocCommand {
  line: number; // 1-based line of the "$ " in the file
  text: string; // the command as bash reads it, continuation lines included
  expected: string; // the output shown under it ('' for none)
}

export interface DocBlock {
  file: string;
  line: number; // 1-based line of the opening fence
  env: Record<string, string>; // from the doc-test directive
  redisDown: boolean; // "redis down": the Redis of REDIS_URL is unreachable
  commands: DocCommand[]; // only the ones to run: curl commands
}

const FENCE = /^(\s*)```(\S*)\s*$/;
const DIRECTIVE = /^\s*<!--\s*doc-test:(.*)-->\s*$/;
const START_COMMAND = /^((?:[A-Z_][A-Z0-9_]*=\S*\s+)*)npm start$/;

function fail(file: string, line: number, message: string): never {
  throw new Error(`${file}:${line}: ${message}`);
}

function parseDirective(text: string, file: string, line: number): Pick<DocBlock, 'env' | 'redisDown'> {
  const env: Record<string, string> = {};
  let redisDown = false;
  for (const part of text.split(';').map((p) => p.trim())) {
    const [word, ...args] = part.split(/\s+/);
    if (word === 'env' && args.length > 0) {
      for (const pair of args) {
        const eq = pair.indexOf('=');
        if (eq < 1) fail(file, line, `doc-test env expects NAME=value, got '${pair}'`);
        env[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    } else if (word === 'redis' && args.join(' ') === 'down') {
      redisDown = true;
    } else {
      fail(file, line, `unknown doc-test directive '${part}' (known: 'env NAME=value ...', 'redis down')`);
    }
  }
  return { env, redisDown };
}

function envOfStartCommand(command: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of command
    .replace(/npm start$/, '')
    .trim()
    .split(/\s+/)
    .filter(Boolean)) {
    const eq = pair.indexOf('=');
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

function sameEnv(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function parseCommands(body: string[], firstLine: number, file: string, block: Pick<DocBlock, 'env'>): DocCommand[] {
  const commands: DocCommand[] = [];
  let current: (DocCommand & { output: string[] }) | undefined;
  let continuing = false;
  const finish = (): void => {
    if (current) commands.push({ line: current.line, text: current.text, expected: current.output.join('\n').trimEnd() });
  };
  body.forEach((raw, i) => {
    const line = firstLine + i;
    if (continuing && current) {
      current.text += `\n${raw}`;
      continuing = /[\\|]\s*$/.test(raw);
    } else if (raw.startsWith('$ ')) {
      finish();
      current = { line, text: raw.slice(2), expected: '', output: [] };
      continuing = /[\\|]\s*$/.test(raw);
    } else if (current) {
      current.output.push(raw);
    } else if (raw.trim() !== '') {
      fail(file, line, `an example block with curl must start with a "$ " command, got '${raw}'`);
    }
  });
  finish();
  return commands.filter((command) => {
    const start = START_COMMAND.exec(command.text.trim());
    if (start) {
      // The reader's start command must say what the test starts.
      if (!sameEnv(envOfStartCommand(command.text.trim()), block.env)) {
        fail(file, command.line, `'${command.text}' does not match the block's doc-test env ${JSON.stringify(block.env)}`);
      }
      if (command.expected !== '') fail(file, command.line, 'npm start shows no output in an example');
      return false;
    }
    if (!/\bcurl\b/.test(command.text))
      fail(file, command.line, `cannot run '${command.text}': examples run curl commands (and name the server with npm start)`);
    return true;
  });
}

export function parseDocExamples(markdown: string, file: string): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const indent = open[1];
    let end = i + 1;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    if (end === lines.length) fail(file, i + 1, 'unclosed code fence');
    const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()));
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const directive = before >= 0 ? DIRECTIVE.exec(lines[before]) : null;
    const isExample = body.some((l) => /\bcurl\b/.test(l));
    if (directive && !isExample) fail(file, before + 1, 'a doc-test directive before a block that runs no curl');
    if (isExample) {
      if (open[2] !== 'sh') fail(file, i + 1, `an example with curl must be a sh block, got '${open[2]}'`);
      const settings = directive ? parseDirective(directive[1], file, before + 1) : { env: {}, redisDown: false };
      blocks.push({ file, line: i + 1, ...settings, commands: parseCommands(body, i + 2, file, settings) });
    }
    i = end;
  }
  return blocks;
}

// What changes from run to run, replaced by the same placeholder in the shown and the real output.
const MASKS: [RegExp, string][] = [
  [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})/g, '<time>'],
  [/\b1\d{9}(\.\d+)?\b/g, '<epoch>'],
  [/\b(localhost|127\.0\.0\.1|\[::1\]):\d+/g, '<address>'],
  [/"durationMs":\d+(\.\d+)?/g, '"durationMs":<ms>'],
  [/^date: .*$/gim, 'date: <date>'],
];

export function mask(text: string): string {
  return MASKS.reduce((out, [pattern, placeholder]) => out.replace(pattern, placeholder), text);
}

function normalise(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
}

function matchesWithElision(expected: string, actual: string): boolean {
  const pattern = expected
    .split('...')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${pattern}$`).test(actual);
}

const HEADER = /^[A-Za-z0-9-]+: /;

/**
 * Whether a command's real output is what the page shows. `...` matches any text, none
 * included. An output shown from `HTTP/` on (curl -i) shows the status line and only the
 * headers that matter: each shown header must be there with that value, the others are
 * ignored, then the bodies are compared.
 */
export function outputMatches(expectedRaw: string, actualRaw: string): boolean {
  const expected = normalise(mask(expectedRaw));
  const actual = normalise(mask(actualRaw));
  if (!expected.startsWith('HTTP/')) return matchesWithElision(expected, actual);
  const [actualHead, ...actualBody] = actual.split('\n\n');
  const [actualStatus, ...actualHeaders] = actualHead.split('\n');
  const expectedLines = expected.split('\n');
  const [expectedStatus] = expectedLines;
  let bodyAt = 1;
  while (bodyAt < expectedLines.length && HEADER.test(expectedLines[bodyAt])) bodyAt++;
  // Header names are case-insensitive, their values are not.
  const byName = (h: string): string => h.replace(/^[^:]+/, (name) => name.toLowerCase());
  const headers = new Set(actualHeaders.map(byName));
  return (
    expectedStatus === actualStatus &&
    expectedLines.slice(1, bodyAt).every((h) => headers.has(byName(h))) &&
    matchesWithElision(expectedLines.slice(bodyAt).join('\n').trim(), actualBody.join('\n\n').trim())
  );
}
