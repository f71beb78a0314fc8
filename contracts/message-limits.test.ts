import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJsonStructure, checkXmlStructure, JSON_LIMITS, XML_LIMITS } from './message-limits.ts';

const code = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('XML structure limits', () => {
  it('refuse nesting, attributes, element counts and names past the limits', () => {
    const deep = `${'<a>'.repeat(XML_LIMITS.depth + 1)}${'</a>'.repeat(XML_LIMITS.depth + 1)}`;
    expect(code(() => checkXmlStructure(deep))).toBe('EGSB_MESSAGE_TOO_LARGE');
    expect(code(() => checkXmlStructure(`${'<a>'.repeat(XML_LIMITS.depth)}${'</a>'.repeat(XML_LIMITS.depth)}`))).toBeUndefined();
    const attributes = Array.from({ length: XML_LIMITS.attributesPerElement + 1 }, (_, i) => `a${i}="1"`).join(' ');
    expect(code(() => checkXmlStructure(`<x ${attributes}/>`))).toBe('EGSB_MESSAGE_TOO_LARGE');
    expect(code(() => checkXmlStructure(`<${'n'.repeat(XML_LIMITS.nameLength + 1)}/>`))).toBe('EGSB_MESSAGE_TOO_LARGE');
    expect(code(() => checkXmlStructure(`<r>${'<e/>'.repeat(XML_LIMITS.elements)}</r>`))).toBe('EGSB_MESSAGE_TOO_LARGE');
  });

  it('count what markup is, not what text, comments, CDATA or attribute values hold', () => {
    const inert = `<r a="x=y>z" b='<c>'><!-- <d><d><d> --><![CDATA[<e a=1 b=2>]]><?pi <f>?>text = more</r>`;
    expect(
      code(() => checkXmlStructure(inert, undefined, { ...XML_LIMITS, depth: 1, attributesPerElement: 2, elements: 1 })),
    ).toBeUndefined();
  });

  it('never fails untyped, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const result = code(() => checkXmlStructure(text, undefined, { ...XML_LIMITS, depth: 3, attributesPerElement: 2 }));
        expect(result === undefined || result === 'EGSB_MESSAGE_TOO_LARGE').toBe(true);
      }),
    );
  });
});

describe('JSON structure limits', () => {
  it('refuse nesting and member counts past the limits, whatever strings hold', () => {
    expect(code(() => checkJsonStructure('['.repeat(JSON_LIMITS.depth + 1) + ']'.repeat(JSON_LIMITS.depth + 1)))).toBe(
      'EGSB_MESSAGE_TOO_LARGE',
    );
    expect(code(() => checkJsonStructure(`[${'0,'.repeat(JSON_LIMITS.members)}0]`))).toBe('EGSB_MESSAGE_TOO_LARGE');
    expect(code(() => checkJsonStructure(`{"a":"${'[,'.repeat(10_000)}"}`, undefined, { depth: 2, members: 10 }))).toBeUndefined();
  });

  it('take any JSON.stringify output within the limits as it is', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (value) => {
        expect(code(() => checkJsonStructure(JSON.stringify(value)))).toBeUndefined();
      }),
    );
  });
});
