/*
 * A misspelt setting must not be ignored in silence: SERVERTRACK_TOKENS=abc would leave the
 * server open while its operator believes it is locked. loadConfig reads the environment
 * through readsRecorded(), so the known settings are exactly the names it asked for: a new
 * setting is known as soon as loadConfig reads it, and no list can go stale. Only names
 * starting with SERVERTRACK_ are checked; the environment holds plenty of other variables.
 */

type Env = Record<string, string | undefined>;

const PREFIX = 'SERVERTRACK_';

/**
 * Settings some other program reads from the same environment: the agent (examples/agent.sh).
 * They are refused all the same (SERVERTRACK_HOST is not where the server listens) but the
 * message says whose they are. Add a name here if a setting is read outside loadConfig.
 */
const READ_BY_THE_AGENT = ['SERVERTRACK_URL', 'SERVERTRACK_HOST', 'SERVERTRACK_PROC'];

interface RecordedEnv {
  env: Env;
  /** Every name read through `env` so far, whether it was set or not. */
  namesRead: Set<string>;
}

export function readsRecorded(env: Env): RecordedEnv {
  const namesRead = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') namesRead.add(name);
      return Reflect.get(target, name);
    },
  });
  return { env: recording, namesRead };
}

/** Levenshtein distance: how many single-character edits turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

function withoutPrefix(name: string): string {
  return name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
}

/**
 * The known name closest to `unknown`. Prefixes are set aside first, so SERVERTRACK_PORT
 * leads to PORT and SERVERTRACK_TOKENS to SERVERTRACK_TOKEN; ties go to the earlier name.
 */
function nearestSetting(unknown: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const distance = editDistance(withoutPrefix(unknown), withoutPrefix(name));
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** Throws naming the first SERVERTRACK_ variable of `env` that is not among `known`. */
export function checkUnknownSettings(env: Env, known: ReadonlySet<string>): void {
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(PREFIX) || known.has(name)) continue;
    const nearest = nearestSetting(name, [...known]);
    const agent = READ_BY_THE_AGENT.includes(name) ? ` (${name} is read by the agent, examples/agent.sh, not by the server)` : '';
    throw new Error(`unknown setting ${name}${agent}; did you mean ${nearest}?`);
  }
}
