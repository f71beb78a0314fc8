import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMessagePlan } from './message-plan.ts';
import { parseManifest } from './manifest.ts';

const manifest = parseManifest({
  code: 'plan-test',
  version: '1.0',
  source: 'ROB',
  endpoints: [{ url: 'http://127.0.0.1:1/x' }],
  dataItems: [
    { name: 'Jmeno', paths: ['/osoby/*/jmeno'] },
    { name: 'Prijmeni', paths: ['/osoby/*/prijmeni'] },
    { name: 'Adresa', paths: ['/osoby/*/adresa', '/adresaDorucovaci'] },
  ],
  contextMapping: { dataItems: '/seznamUdaju' },
  contract: { operations: { cti: { request: 'a.json', response: 'b.json' } } },
});
const items = ['Jmeno', 'Prijmeni', 'Adresa'] as const;
const keyOf: Record<string, string> = { Jmeno: 'jmeno', Prijmeni: 'prijmeni', Adresa: 'adresa' };

describe('JSON message plan', () => {
  it('never lets an item outside the effective set through, and keeps every effective one', () => {
    const plan = createMessagePlan(manifest);
    const person = fc.record(
      { jmeno: fc.string(), prijmeni: fc.string(), adresa: fc.string(), rodneCislo: fc.string() },
      { requiredKeys: ['rodneCislo'] },
    );
    fc.assert(
      fc.property(fc.array(person, { maxLength: 5 }), fc.subarray([...items]), (osoby, effective) => {
        const answer = { osoby: structuredClone(osoby), adresaDorucovaci: 'x' };
        plan.filterAnswer(answer, new Set(effective));
        answer.osoby.forEach((o, i) => {
          for (const item of items) {
            const key = keyOf[item] as keyof typeof o;
            if (effective.includes(item)) expect(o[key]).toBe(osoby[i]?.[key]);
            else expect(key in o).toBe(false);
          }
          expect(o.rodneCislo).toBe(osoby[i]?.rodneCislo);
        });
        expect('adresaDorucovaci' in answer).toBe(effective.includes('Adresa'));
      }),
    );
  });

  it("reads and rewrites the request's own item list", () => {
    const plan = createMessagePlan(manifest);
    const body = { seznamUdaju: ['Jmeno', 'RodneCislo'] };
    expect(plan.contextOf(body)).toEqual({ dataItems: 'Jmeno RodneCislo' });
    expect(plan.rewriteItems(body, ['Jmeno'])).toBe(true);
    expect(body.seznamUdaju).toEqual(['Jmeno']);
    expect(plan.rewriteItems(body, ['Jmeno'])).toBe(false);
  });
});
