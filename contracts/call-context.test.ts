import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEgsbError } from './index.ts';
import { resolveContext } from './call-context.ts';

const good = { ovm: '00064581', agenda: 'A121', role: 'CR1001', userId: 'referent.novak' };

describe('call context', () => {
  it('never accepts an audit-user-id with a control character, and never fails untyped', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (userId) => {
        try {
          const context = resolveContext({ headers: { ...good, userId } });
          expect(context.userId).toBe(userId);
          expect(/[\u0000-\u001f\u007f-\u009f]/.test(userId)).toBe(false);
          expect(userId.length).toBeGreaterThan(0);
          expect(userId.length).toBeLessThanOrEqual(256);
        } catch (error) {
          expect(isEgsbError(error) && error.code).toBe('EGSB_AUDIT_USER_MISSING');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses bidi overrides, zero-width and other format characters in audit-user-id, and accepts Czech letters', () => {
    for (const userId of ['novak\u202Eexe.', 'no\u200Bvak', '\u2066admin\u2069', 'novak\uFEFF', 'x\uD800']) {
      expect(() => resolveContext({ headers: { ...good, userId } }), JSON.stringify(userId)).toThrow(/format character/);
    }
    expect(resolveContext({ headers: { ...good, userId: 'Řehoř Žluťoučký' } }).userId).toBe('Řehoř Žluťoučký');
  });

  it('accepts a field given in two places only when both say the same', () => {
    fc.assert(
      fc.property(fc.constantFrom('A121', 'A343', 'A1'), fc.constantFrom('A121', 'A343', 'A1'), (header, body) => {
        const run = () => resolveContext({ headers: { ...good, agenda: header }, body: { agenda: body } });
        if (header === body) expect(run().agenda).toBe(header);
        else expect(run).toThrow(/agenda differs/);
      }),
    );
  });

  it('compares data item lists as sets', () => {
    const context = resolveContext({ headers: { ...good, dataItems: 'Prijmeni Jmeno' }, body: { dataItems: 'Jmeno Prijmeni Jmeno' } });
    expect(context.dataItems).toEqual(['Jmeno', 'Prijmeni']);
  });
});
