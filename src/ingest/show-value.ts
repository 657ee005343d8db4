/*
 * How an error message shows the value a client sent: as JSON, so a string is quoted and its
 * control characters escaped (a message never carries a raw newline or quote from a client),
 * and cut after MAX_SHOWN_CHARACTERS, so a 16 KiB field does not come back as a 16 KiB error.
 * Only error paths call this: a valid request never builds the text.
 */

const MAX_SHOWN_CHARACTERS = 40;
/** Ends a value that was cut. */
const CUT_MARK = '…';

/** `value` as JSON text (numbers as JavaScript prints them, so NaN stays NaN), cut at MAX_SHOWN_CHARACTERS. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return showString(value);
  const text = typeof value === 'number' || value === undefined ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length <= MAX_SHOWN_CHARACTERS ? text : text.slice(0, MAX_SHOWN_CHARACTERS) + CUT_MARK;
}

/** Cut between characters, never inside an escape (`\u0007`) or a surrogate pair. */
function showString(value: string): string {
  const whole = JSON.stringify(value);
  if (whole.length <= MAX_SHOWN_CHARACTERS) return whole;
  let shown = '"';
  for (const character of value) {
    const escaped = JSON.stringify(character).slice(1, -1);
    if (shown.length + escaped.length > MAX_SHOWN_CHARACTERS) break;
    shown += escaped;
  }
  return shown + CUT_MARK;
}
