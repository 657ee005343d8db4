import { parseHost } from '../../src/ingest/host';
import { errorOf } from '../helpers/input-error';

describe('parseHost', () => {
  it.each([
    ['web-01', 'web-01'],
    ['Web-01.Example.COM', 'web-01.example.com'],
    ['a', 'a'],
    ['9_x', '9_x'],
    ['a'.repeat(253), 'a'.repeat(253)],
  ])('accepts %j as %j', (raw, host) => {
    expect(parseHost(raw)).toBe(host);
  });

  const characters = "host must be 1-253 characters of letters, digits, '.', '-' and '_', starting with a letter or digit";
  it.each(['', '-web', '.web', '_web', 'web/01', 'web 01', 'wéb', 'web%2F01', 'web:80'])('rejects %j, showing it', (raw) => {
    expect(errorOf(() => parseHost(raw))).toEqual({ status: 400, message: `${characters}, got ${JSON.stringify(raw)}` });
  });

  it('shows a host of 254 characters cut to its first 40 (quote included)', () => {
    expect(errorOf(() => parseHost('a'.repeat(254)))).toEqual({ status: 400, message: `${characters}, got "${'a'.repeat(39)}…` });
  });

  it('shows a host that is not a string as the JSON value it is', () => {
    expect(errorOf(() => parseHost(42))).toEqual({ status: 400, message: `${characters}, got 42` });
  });

  it('rejects an empty label', () => {
    expect(errorOf(() => parseHost('a..b'))).toEqual({ status: 400, message: `host must not contain an empty label ('..'), got "a..b"` });
  });

  it('rejects a trailing dot', () => {
    expect(errorOf(() => parseHost('a.'))).toEqual({ status: 400, message: `host must not end with '.' (an empty label), got "a."` });
  });
});
