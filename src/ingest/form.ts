/*
 * A urlencoded form body, decoded exactly as body-parser 2's `urlencoded({ extended: false })`
 * decodes it, without body-parser's stream plumbing (http/form-body.ts reads the bytes).
 *
 * Agents send the same few plain fields every time (`cpuload=12.5&memload=40.1`): letters,
 * digits and a dot, each field once. Such a body is split by hand in one pass. Any other body
 * (escapes, '+', brackets, a repeated field, a BOM, too many fields) goes to qs with the very
 * options body-parser hands it, so both read every body alike; test/http/form-body.test.ts
 * checks that against body-parser itself over random bodies.
 */
import qs from 'qs';
import { isHostCharacter, isLetter } from './char-codes';

export type FormFields = Record<string, unknown>;

/** body-parser's default `parameterLimit`: a body with more fields is a 413. */
export const FORM_PARAMETER_LIMIT = 1000;

const AMPERSAND = 38;
const EQUALS = 61;
const COLON = 58;
const BYTE_ORDER_MARK = '\uFEFF';

function isPlainValueCharacter(code: number): boolean {
  // What loads and times are written with: digits, '.', '-', letters, ':' (ISO times), '_'.
  return isHostCharacter(code) || code === COLON;
}

/** The fields of a plain body, or undefined when the body needs qs. */
function plainFields(body: string): FormFields | undefined {
  const fields: FormFields = {};
  let count = 0;
  let start = 0;
  while (start <= body.length) {
    let equals = -1;
    let end = start;
    for (; end < body.length; end++) {
      const code = body.charCodeAt(end);
      if (code === AMPERSAND) break;
      if (equals === -1) {
        if (code === EQUALS) equals = end;
        // Keys of letters only: no '__proto__', no index-like keys, nothing qs treats apart.
        else if (!isLetter(code)) return undefined;
      } else if (!isPlainValueCharacter(code)) return undefined;
    }
    if (equals <= start) return undefined; // no '=', or an empty key
    const key = body.slice(start, equals);
    if (Object.hasOwn(fields, key) || ++count > FORM_PARAMETER_LIMIT) return undefined;
    fields[key] = body.slice(equals + 1, end);
    start = end + 1;
  }
  return fields;
}

function countParameters(body: string): number {
  let count = 1;
  for (let i = body.indexOf('&'); i !== -1; i = body.indexOf('&', i + 1)) count++;
  return count;
}

/** What body-parser does with a body that is not plain: a parameter count, then qs. */
function qsFields(body: string): FormFields {
  const parameters = countParameters(body);
  if (parameters > FORM_PARAMETER_LIMIT) {
    // body-parser's own error (http-errors shape), which http/errors.ts words for the client.
    throw Object.assign(new Error('too many parameters'), { status: 413, expose: true, type: 'parameters.too.many' });
  }
  // The options body-parser 2 (lib/types/urlencoded.js) passes for extended: false.
  return qs.parse(body, {
    allowPrototypes: true,
    arrayLimit: parameters,
    depth: 0,
    charset: 'utf-8',
    parameterLimit: FORM_PARAMETER_LIMIT,
    strictDepth: true,
  });
}

/** The fields of a utf-8 form body, as body-parser would set them on req.body. */
export function parseFormBody(body: string): FormFields {
  // body-parser's decoder drops one leading byte order mark before parsing.
  const text = body.startsWith(BYTE_ORDER_MARK) ? body.slice(1) : body;
  if (text.length === 0) return {};
  return plainFields(text) ?? qsFields(text);
}
