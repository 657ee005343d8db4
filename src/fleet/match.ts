/*
 * The `match` parameter: globs on host names, compiled once per request and then asked of
 * every host. A glob is matched against the whole name, case-insensitively (host names are
 * stored lower-cased, so the glob is lower-cased once): `*` is any run of characters, `?`
 * one character, anything else itself. Several globs list a host matching any of them.
 *
 * Matching walks character codes with one remembered `*` (the classic wildcard scan): at
 * most name × glob steps, never the exponential backtracking a RegExp such as /a.*a.*a.*b/
 * can take on a hostile glob, and no allocation per host.
 */
import { isHostCharacter } from '../ingest/char-codes';
import { InvalidInputError } from '../ingest/invalid-input';
import { showValue } from '../ingest/show-value';

/** Whether a host name (as stored: lower-case) is listed. */
export type HostMatcher = (host: string) => boolean;

export const MAX_MATCH_LENGTH = 253;

const STAR = 42;
const QUESTION_MARK = 63;

const MATCH_RULE = "match must be 1-253 characters of letters, digits, '.', '-', '_', '*' and '?'";

/** Every host: what an absent `match` means. */
export const ANY_HOST: HostMatcher = () => true;

/** The globs of a `match` parameter that parseMatchParam accepted, lower-cased: what identifies the filter in a cursor or a cache key. */
export function matchGlobs(values: unknown): string[] {
  return values === undefined ? [] : ([] as unknown[]).concat(values).map((glob) => String(glob).toLowerCase());
}

/**
 * The `match` query values (absent, one string, or one per repetition) as one matcher.
 * Throws InvalidInputError (a 400) naming the rule and showing the first bad glob.
 */
export function parseMatchParam(values: unknown): HostMatcher {
  if (values === undefined) return ANY_HOST;
  const raws = Array.isArray(values) ? values : [values];
  const globs = raws.map(parseGlob);
  if (globs.some((glob) => glob === '*')) return ANY_HOST;
  const matchers = globs.map(compileGlob);
  if (matchers.length === 1) return matchers[0];
  return (host) => {
    for (let i = 0; i < matchers.length; i++) if (matchers[i](host)) return true;
    return false;
  };
}

/** One glob checked and lower-cased. */
function parseGlob(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_MATCH_LENGTH) throw invalidMatch(raw);
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (!isHostCharacter(code) && code !== STAR && code !== QUESTION_MARK) throw invalidMatch(raw);
  }
  return raw.toLowerCase();
}

function invalidMatch(raw: unknown): InvalidInputError {
  return new InvalidInputError(`${MATCH_RULE}, got ${showValue(raw)}`);
}

/** A glob without wildcards is an equality, one ending in its only `*` a prefix test: the common cases skip the scan. */
function compileGlob(glob: string): HostMatcher {
  const firstWildcard = glob.search(/[*?]/);
  if (firstWildcard === -1) return (host) => host === glob;
  if (firstWildcard === glob.length - 1 && glob.endsWith('*')) {
    const prefix = glob.slice(0, -1);
    return (host) => host.startsWith(prefix);
  }
  return (host) => globMatches(glob, host);
}

/**
 * Whether `glob` matches the whole of `name`. On a mismatch after a `*`, the `*` takes one
 * more character and the scan resumes from there; a later `*` replaces the remembered one,
 * since whatever the earlier one could still absorb the later one can too.
 */
export function globMatches(glob: string, name: string): boolean {
  let g = 0;
  let n = 0;
  let starAt = -1; // glob index of the last `*` seen
  let starName = 0; // name index that `*` is currently matched up to
  while (n < name.length) {
    const code = g < glob.length ? glob.charCodeAt(g) : -1;
    if (code === STAR) {
      starAt = g++;
      starName = n;
    } else if (code === QUESTION_MARK || code === name.charCodeAt(n)) {
      g++;
      n++;
    } else if (starAt !== -1) {
      g = starAt + 1;
      n = ++starName;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob.charCodeAt(g) === STAR) g++;
  return g === glob.length;
}
