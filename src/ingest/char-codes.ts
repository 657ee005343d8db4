/*
 * The UTF-16 code units the hand-written scanners (decimal numbers, host names) compare
 * against. Scanning by code unit keeps those parsers to one pass with no regex and no
 * allocation, which matters because they run on every sample.
 */

export const PLUS = 43;
export const MINUS = 45;
export const DOT = 46;
export const SLASH = 47;
const ZERO = 48;
const NINE = 57;
const UPPER_A = 65;
export const UPPER_E = 69;
const UPPER_Z = 90;
export const UNDERSCORE = 95;
const LOWER_A = 97;
export const LOWER_E = 101;
const LOWER_Z = 122;

export function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

export function isLetter(code: number): boolean {
  return (code >= LOWER_A && code <= LOWER_Z) || (code >= UPPER_A && code <= UPPER_Z);
}

export function isAlphanumeric(code: number): boolean {
  return isLetter(code) || isDigit(code);
}

/** A character a host name may hold: letters, digits, '.', '-' and '_' (ingest/host.ts has the other rules). */
export function isHostCharacter(code: number): boolean {
  return isAlphanumeric(code) || code === DOT || code === MINUS || code === UNDERSCORE;
}
