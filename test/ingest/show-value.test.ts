import { showValue } from '../../src/ingest/show-value';

describe('showValue', () => {
  describe('when the value is short', () => {
    it.each([
      ['5%', '"5%"'],
      ['', '""'],
      ['say "hi"\n', '"say \\"hi\\"\\n"'],
      [12.5, '12.5'],
      [Number.NaN, 'NaN'],
      [true, 'true'],
      [null, 'null'],
      [['1', '2'], '["1","2"]'],
      [{ value: 1 }, '{"value":1}'],
    ])('shows %p as the JSON text %s', (value, shown) => {
      expect(showValue(value)).toBe(shown);
    });
  });

  describe('when the value is longer than 40 characters', () => {
    it('keeps the first 40 characters of a string, quote included, and marks the cut', () => {
      expect(showValue('a'.repeat(300))).toBe(`"${'a'.repeat(39)}…`);
    });

    it('shows a string of exactly 38 characters whole (40 with its quotes)', () => {
      expect(showValue('b'.repeat(38))).toBe(`"${'b'.repeat(38)}"`);
    });

    it('never cuts inside an escape', () => {
      expect(showValue(`${'a'.repeat(36)}\u0007tail`)).toBe(`"${'a'.repeat(36)}…`);
    });

    it('never cuts a surrogate pair in half', () => {
      expect(showValue(`${'a'.repeat(38)}😀tail`)).toBe(`"${'a'.repeat(38)}…`);
    });

    it('cuts other JSON values after 40 characters', () => {
      expect(showValue(Array.from({ length: 30 }, (_, i) => i))).toBe('[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,1…');
    });
  });
});
