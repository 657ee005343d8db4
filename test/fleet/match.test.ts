import { globMatches, parseMatchParam } from '../../src/fleet/match';
import { errorOf } from '../helpers/input-error';

describe('parseMatchParam', () => {
  describe('when absent', () => {
    it('matches every host', () => {
      expect(parseMatchParam(undefined)('anything')).toBe(true);
    });
  });

  describe('with one glob', () => {
    it.each([
      ['web-01', 'web-01', true],
      ['web-01', 'web-011', false],
      ['web-01', 'xweb-01', false],
      ['WEB-*', 'web-01', true],
      ['web-*', 'db-01', false],
      ['*', 'db-01', true],
      ['*.eu', 'a.b.eu', true],
      ['*.eu', 'a.b.eu.x', false],
      ['web-??', 'web-01', true],
      ['web-??', 'web-1', false],
      ['web-??', 'web-001', false],
      ['*-0?', 'db-07', true],
      ['w*b*', 'web', true],
      ['*a*b', 'aaab', true],
      ['*a*b', 'aaaba', false],
      ['a*b*c', 'abbbc', true],
      ['a*b*c', 'acb', false],
      ['db_*.prod', 'db_main.prod', true],
      ['?', 'a', true],
      ['?', '', false],
      ['a**', 'a', true],
    ])('glob %p on %p: %p', (glob, host, expected) => {
      expect(parseMatchParam(glob)(host)).toBe(expected);
    });

    it('treats . as itself, not as any character', () => {
      expect(parseMatchParam('web.1')('webx1')).toBe(false);
    });
  });

  describe('with several globs', () => {
    it('matches a host that matches any of them', () => {
      const matches = parseMatchParam(['web-*', 'db-0?']);
      expect(['web-9', 'db-01', 'db-011', 'cache-1'].map(matches)).toEqual([true, true, false, false]);
    });
  });

  describe('when a glob is invalid', () => {
    const rule = "match must be 1-253 characters of letters, digits, '.', '-', '_', '*' and '?'";
    it.each([
      ['', `${rule}, got ""`],
      ['web 1', `${rule}, got "web 1"`],
      ['web/1', `${rule}, got "web/1"`],
      ['[ab]', `${rule}, got "[ab]"`],
      ['é*', `${rule}, got "é*"`],
      ['a'.repeat(254), `${rule}, got "${'a'.repeat(39)}…`],
    ])('rejects %p', (glob, message) => {
      expect(errorOf(() => parseMatchParam(glob))).toEqual({ status: 400, message });
    });

    it('rejects the whole parameter when one of several globs is bad', () => {
      expect(errorOf(() => parseMatchParam(['web-*', 'a{b}']))).toEqual({ status: 400, message: `${rule}, got "a{b}"` });
    });

    it('accepts a glob of exactly 253 characters', () => {
      expect(parseMatchParam('a'.repeat(253))('a'.repeat(253))).toBe(true);
    });
  });
});

describe('globMatches', () => {
  // A backtracking RegExp (/^.*a.*a…b$/) would not finish this within the test timeout.
  it('answers a glob built to make backtracking explode in at most name × glob steps', () => {
    expect(globMatches('*a'.repeat(60) + '*b', 'a'.repeat(253))).toBe(false);
    expect(globMatches('*a'.repeat(60) + '*', 'a'.repeat(253))).toBe(true);
  });
});
