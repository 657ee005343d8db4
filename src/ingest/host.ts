/*
 * A host name off the wire (a path segment or a bulk entry's `host`), checked one character
 * code at a time: no regular expression on the hot path.
 */
import { DOT, isAlphanumeric, isHostCharacter } from './char-codes';
import { InvalidInputError } from './invalid-input';
import { showValue } from './show-value';

const MAX_HOST_LENGTH = 253;

const HOST_CHARACTERS = "host must be 1-253 characters of letters, digits, '.', '-' and '_', starting with a letter or digit";

function invalid(rule: string, raw: unknown): InvalidInputError {
  return new InvalidInputError(`${rule}, got ${showValue(raw)}`);
}

/** A host name as stored: validated and lower-cased. */
export function parseHost(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_HOST_LENGTH) throw invalid(HOST_CHARACTERS, raw);
  if (!isAlphanumeric(raw.charCodeAt(0))) throw invalid(HOST_CHARACTERS, raw);
  let previous = 0;
  for (let i = 1; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === DOT && previous === DOT) throw invalid("host must not contain an empty label ('..')", raw);
    if (!isHostCharacter(code)) {
      throw invalid(HOST_CHARACTERS, raw);
    }
    previous = code;
  }
  if (previous === DOT) throw invalid("host must not end with '.' (an empty label)", raw);
  return raw.toLowerCase();
}
