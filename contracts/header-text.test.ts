import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHeaderText, encodeHeaderText } from './header-text.ts';

const text = fc.string({ unit: 'grapheme', maxLength: 64 });

describe('text in HTTP headers', () => {
  it('reads back whatever it wrote', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(decodeHeaderText(encodeHeaderText(s))).toBe(s);
      }),
    );
  });

  it('writes only visible ASCII, so any HTTP client can send it', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(encodeHeaderText(s)).toMatch(/^[\x20-\x7e]*$/);
      }),
    );
  });

  it('leaves plain ASCII as it is, both ways', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abcXYZ019 .-_@'.split('')) }), (s) => {
        expect(encodeHeaderText(s)).toBe(s);
        expect(decodeHeaderText(s)).toBe(s);
      }),
    );
  });

  it('reads raw UTF-8 bytes, as curl sends them and Node hands them over (one character per byte)', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(decodeHeaderText(Buffer.from(s, 'utf8').toString('latin1'))).toBe(s);
      }),
    );
    expect(decodeHeaderText(Buffer.from('Jiří Šťastný', 'utf8').toString('latin1'))).toBe('Jiří Šťastný');
    expect(encodeHeaderText('řízení')).toBe("UTF-8''%C5%99%C3%ADzen%C3%AD");
  });

  it('keeps what is not UTF-8 or not a valid escape as it came', () => {
    expect(decodeHeaderText('caf\xe9')).toBe('caf\xe9');
    expect(decodeHeaderText("UTF-8''%E0%A4%A")).toBe("UTF-8''%E0%A4%A");
  });
});
