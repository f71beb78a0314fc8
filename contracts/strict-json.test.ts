import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDuplicateKey, parseStrictJson } from './strict-json.ts';

describe('strict JSON', () => {
  it('refuses an object that names a key twice, at any depth and however the key is escaped', () => {
    for (const text of [
      '{"vozidlo":{"provozovatel":"x"},"vozidlo":{}}',
      '[1,{"a":1,"b":[{"c":1}],"a":2}]',
      '{"a":{"b":1,"b":2}}',
      '{"a":1,"\\u0061":2}',
    ]) {
      expect(() => parseStrictJson(text), text).toThrow(/same key twice/);
    }
  });

  it('accepts equal keys in different objects, and keys that only look alike', () => {
    expect(parseStrictJson('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":"\\"a\\":"}')).toEqual({
      a: { a: 1 },
      b: [{ a: 1 }, { a: 2 }],
      c: '"a":',
    });
    expect(parseStrictJson('{"A":1,"a":2}')).toEqual({ A: 1, a: 2 });
  });

  it('reads whatever JSON.stringify writes, and finds a key repeated anywhere in it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(findDuplicateKey(text)).toBeUndefined();
        expect(parseStrictJson(text)).toEqual(JSON.parse(text));
        const withDuplicate = `{"k":${text},"k":0}`;
        expect(() => parseStrictJson(withDuplicate)).toThrow(/same key twice/);
      }),
    );
  });

  it('says where a syntax error is without quoting the text', () => {
    expect(() => parseStrictJson('{"rodneCislo":"8001011234",')).toThrow(/^not well-formed JSON/);
    const error = ((): Error | undefined => {
      try {
        parseStrictJson('{"rodneCislo":"8001011234" x}');
        return undefined;
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toMatch(/^not well-formed JSON at position \d+$/);
    expect(() => parseStrictJson(new Uint8Array([0xff, 0xfe]))).toThrow(/UTF-8/);
  });
});
