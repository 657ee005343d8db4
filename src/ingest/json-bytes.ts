/*
 * A cursor over JSON text as bytes, for a scanner that reads a few fields of a large body
 * without building it (collectd-json-scan.ts): no string of the whole body, no objects.
 *
 * It takes a subset of JSON, the one agents write: strings of printable ASCII without
 * escapes, numbers, literals, arrays and objects nested at most MAX_DEPTH deep. Whatever is
 * outside that subset, and whatever JSON.parse would refuse, throws Unusual, so the caller
 * falls back to JSON.parse and gives the answer it would have given anyway.
 */

/** Not in the subset this cursor reads: fall back to JSON.parse. */
export class Unusual extends Error {}

export const QUOTE = 34;
const BACKSLASH = 92;
export const COMMA = 44;
const COLON = 58;
export const MINUS = 45;
const DOT = 46;
export const ZERO = 48;
export const NINE = 57;
const LOWER_E = 101;
const UPPER_E = 69;
const PLUS = 43;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACKET = 93;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;
const SPACE = 32;
const TAB = 9;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
/** First byte that is not ASCII: in UTF-8 only multi-byte characters hold such bytes. */
const NON_ASCII = 128;

/** Deeper values are rare in what agents send; they go to JSON.parse rather than to a stack here. */
const MAX_DEPTH = 32;
/**
 * The powers of ten a double holds exactly. A mantissa m below 2^53 is exact too (and then
 * so was every step summing it: rounding cannot bring a larger sum under 2^53), so m / 10^f
 * is rounded once, to the double nearest the decimal, which is what JSON.parse returns.
 */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** What `value()` found, for the caller that wants more than to skip it. */
export type JsonKind = 'string' | 'number' | 'null' | 'other';

export class JsonCursor {
  pos: number;
  /** The last string read: bytes[stringStart..stringEnd), quotes excluded. */
  stringStart = 0;
  stringEnd = 0;
  /** The last number read. */
  number = 0;

  constructor(
    readonly bytes: Buffer,
    readonly end: number,
  ) {
    this.pos = 0;
  }

  /** Skips JSON whitespace (space, tab, LF, CR) and returns the byte after it, or -1 at the end. */
  next(): number {
    const { bytes, end } = this;
    let pos = this.pos;
    while (pos < end) {
      const code = bytes[pos];
      if (code !== SPACE && code !== LINE_FEED && code !== CARRIAGE_RETURN && code !== TAB) break;
      pos++;
    }
    this.pos = pos;
    return pos < end ? bytes[pos] : -1;
  }

  /** Consumes `code` after whitespace, or throws Unusual. */
  expect(code: number): void {
    if (this.next() !== code) throw new Unusual();
    this.pos++;
  }

  /** After a member or an element: true for a comma (consumed), false for `close` (consumed). */
  more(close: number): boolean {
    const code = this.next();
    this.pos++;
    if (code === COMMA) return true;
    if (code === close) return false;
    throw new Unusual();
  }

  /** Reads a string at pos (its opening quote) into stringStart/stringEnd. */
  string(): void {
    const { bytes, end } = this;
    let pos = this.pos + 1;
    this.stringStart = pos;
    for (;;) {
      if (pos >= end) throw new Unusual();
      const code = bytes[pos];
      if (code === QUOTE) break;
      // Control characters JSON.parse refuses; escapes and non-ASCII this cursor leaves to it.
      if (code < SPACE || code === BACKSLASH || code >= NON_ASCII) throw new Unusual();
      pos++;
    }
    this.stringEnd = pos;
    this.pos = pos + 1;
  }

  /** Reads an object's key and the colon after it; the key lands in stringStart/stringEnd. */
  key(): void {
    if (this.next() !== QUOTE) throw new Unusual();
    this.string();
    this.expect(COLON);
  }

  /** Reads a number at pos into `number`, in JSON's grammar only: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
  readNumber(): void {
    const { bytes, end } = this;
    const start = this.pos;
    let pos = start;
    const negative = bytes[pos] === MINUS;
    if (negative) pos++;
    let mantissa = 0;
    let code = pos < end ? bytes[pos] : -1;
    if (code === ZERO) {
      code = ++pos < end ? bytes[pos] : -1;
    } else if (code > ZERO && code <= NINE) {
      do {
        mantissa = mantissa * 10 + (code - ZERO);
        code = ++pos < end ? bytes[pos] : -1;
      } while (code >= ZERO && code <= NINE);
    } else {
      throw new Unusual();
    }
    let fractionDigits = 0;
    if (code === DOT) {
      code = ++pos < end ? bytes[pos] : -1;
      if (!(code >= ZERO && code <= NINE)) throw new Unusual();
      do {
        mantissa = mantissa * 10 + (code - ZERO);
        fractionDigits++;
        code = ++pos < end ? bytes[pos] : -1;
      } while (code >= ZERO && code <= NINE);
    }
    let exact = mantissa <= Number.MAX_SAFE_INTEGER && fractionDigits < POWERS_OF_TEN.length;
    if (code === LOWER_E || code === UPPER_E) {
      exact = false;
      code = ++pos < end ? bytes[pos] : -1;
      if (code === PLUS || code === MINUS) code = ++pos < end ? bytes[pos] : -1;
      if (!(code >= ZERO && code <= NINE)) throw new Unusual();
      do code = ++pos < end ? bytes[pos] : -1;
      while (code >= ZERO && code <= NINE);
    }
    this.pos = pos;
    if (exact) {
      const magnitude = mantissa / POWERS_OF_TEN[fractionDigits];
      this.number = negative ? -magnitude : magnitude;
    } else {
      // The grammar is checked above, and Number() reads JSON's numbers as JSON.parse does.
      this.number = Number(bytes.toString('latin1', start, pos));
    }
  }

  /** Reads any value after whitespace; strings and numbers land in their fields. */
  value(depth = 0): JsonKind {
    const code = this.next();
    if (code === QUOTE) {
      this.string();
      return 'string';
    }
    if (code === MINUS || (code >= ZERO && code <= NINE)) {
      this.readNumber();
      return 'number';
    }
    if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      if (depth >= MAX_DEPTH) throw new Unusual();
      this.container(code === OPEN_BRACE, depth + 1);
      return 'other';
    }
    if (this.literal('null')) return 'null';
    if (this.literal('true') || this.literal('false')) return 'other';
    throw new Unusual();
  }

  /** Whether the bytes at pos spell `word` (consumed if so). */
  private literal(word: string): boolean {
    const { bytes, pos } = this;
    if (pos + word.length > this.end) return false;
    for (let i = 0; i < word.length; i++) if (bytes[pos + i] !== word.charCodeAt(i)) return false;
    this.pos = pos + word.length;
    return true;
  }

  /** Whether the bytes at pos are `expected`, with no whitespace skipped (consumed if so). */
  matches(expected: Uint8Array): boolean {
    const { bytes, pos } = this;
    const length = expected.length;
    if (pos + length > this.end) return false;
    for (let i = 0; i < length; i++) if (bytes[pos + i] !== expected[i]) return false;
    this.pos = pos + length;
    return true;
  }

  /** Skips an array or an object at pos (its opening bracket), checking its grammar. */
  private container(isObject: boolean, depth: number): void {
    const close = isObject ? CLOSE_BRACE : CLOSE_BRACKET;
    this.pos++;
    if (this.next() === close) {
      this.pos++;
      return;
    }
    do {
      if (isObject) this.key();
      this.value(depth);
    } while (this.more(close));
  }

  /** Whether the last string read holds exactly `expected` (ASCII). */
  stringIs(expected: Uint8Array): boolean {
    const start = this.stringStart;
    if (this.stringEnd - start !== expected.length) return false;
    for (let i = 0; i < expected.length; i++) if (this.bytes[start + i] !== expected[i]) return false;
    return true;
  }
}

/** The bytes of an ASCII word, to compare strings against without building them. */
export function asciiBytes(word: string): Uint8Array {
  return Uint8Array.from(word, (character) => character.charCodeAt(0));
}
