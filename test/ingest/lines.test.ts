import { forEachLine } from '../../src/ingest/lines';

function lines(text: string, stopAfter = Infinity): [string, number][] {
  const seen: [string, number][] = [];
  forEachLine(text, (start, end, index) => {
    seen.push([text.slice(start, end), index]);
    return seen.length < stopAfter;
  });
  return seen;
}

describe('forEachLine', () => {
  it('visits each non-empty line with its 0-based index, LF or CRLF, blank lines counted but skipped', () => {
    expect(lines('a\r\n\nb\n\r\nc')).toEqual([
      ['a', 0],
      ['b', 2],
      ['c', 4],
    ]);
  });

  it('visits nothing for an empty text or a text of line breaks', () => {
    expect(lines('')).toEqual([]);
    expect(lines('\n\r\n\n')).toEqual([]);
  });

  it('keeps a lone carriage return that does not end a line', () => {
    expect(lines('a\rb\n')).toEqual([['a\rb', 0]]);
  });

  it('stops when the visitor returns false', () => {
    expect(lines('a\nb\nc', 2)).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
  });
});
