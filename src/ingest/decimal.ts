/*
 * A strict decimal parser: [+-] digits [. digits] [e [+-] digits], at least one digit in
 * the mantissa and in any exponent. One forward scan, no regular expression (so no
 * backtracking on hostile input) and no exception, because it runs on every sample.
 * Rejects what Number() would accept but a load value should not: '', ' 1', '0x10',
 * 'Infinity', '1,5', '.', '1e'.
 */

import { DOT, LOWER_E, MINUS, PLUS, UPPER_E, isDigit } from './char-codes';

/** The value of `text`, or NaN when it is not a plain decimal number. */
export function parseDecimal(text: string): number {
  const length = text.length;
  let i = 0;
  let code = text.charCodeAt(0);
  if (code === PLUS || code === MINUS) code = text.charCodeAt(++i);
  let mantissaDigits = 0;
  while (isDigit(code)) {
    mantissaDigits++;
    code = text.charCodeAt(++i);
  }
  if (code === DOT) {
    code = text.charCodeAt(++i);
    while (isDigit(code)) {
      mantissaDigits++;
      code = text.charCodeAt(++i);
    }
  }
  if (mantissaDigits === 0) return NaN;
  if (code === LOWER_E || code === UPPER_E) {
    code = text.charCodeAt(++i);
    if (code === PLUS || code === MINUS) code = text.charCodeAt(++i);
    let exponentDigits = 0;
    while (isDigit(code)) {
      exponentDigits++;
      code = text.charCodeAt(++i);
    }
    if (exponentDigits === 0) return NaN;
  }
  return i === length ? Number(text) : NaN;
}
