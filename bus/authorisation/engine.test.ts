import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMessagePlan, parseManifest, type Manifest } from '../../contracts/index.ts';
import { createLegalEngine, isValidOn } from './engine.ts';
import {
  ALL,
  type Authorisation,
  createAuthorisationIndex,
  type RegistrySnapshot,
  type RegistryView,
  type ServiceVersion,
} from '../registry/index.ts';
import { authoriseCall, requireSomeItem } from './checks.ts';
import { pragueDay } from './prague-day.ts';

const AGENDAS = ['A1', 'A2', 'A3'] as const;
const ROLES: Record<string, readonly string[]> = { A1: ['CR11', 'CR12'], A2: ['CR21'], A3: ['CR31', 'CR32'] };
const SERVICES = [
  { code: 'svc-a', source: 'ROB', items: ['Jmeno', 'Prijmeni', 'DatumNarozeni', 'AdresaPobytu'] },
  { code: 'svc-b', source: 'ROB', items: ['Jmeno', 'Prijmeni'] },
  { code: 'svc-c', source: 'ROS', items: ['ObchodniNazev', 'AdresaSidla', 'StatutarniOrgany'] },
] as const;
const DAYS = ['2025-12-31', '2026-01-01', '2026-06-30', '2026-07-01', '2026-12-31'] as const;

const subset = <T>(items: readonly T[]) => fc.subarray([...items], { minLength: 1 });

const authorisation = fc
  .record({
    agenda: fc.constantFrom(...AGENDAS),
    allRoles: fc.boolean(),
    source: fc.constantFrom('ROB', 'ROS'),
    allServices: fc.boolean(),
    from: fc.constantFrom(...DAYS),
    to: fc.option(fc.constantFrom(...DAYS), { nil: undefined }),
    seed: fc.nat(),
  })
  .chain(({ agenda, allRoles, source, allServices, from, to, seed }) => {
    const services = SERVICES.filter((s) => s.source === source);
    const items = [...new Set(services.flatMap((s) => s.items))];
    return fc.record({
      id: fc.constant(`auth-${seed}`),
      agenda: fc.constant(agenda),
      roles: allRoles ? fc.constant(ALL) : subset(ROLES[agenda] ?? []),
      source: fc.constant(source),
      services: allServices ? fc.constant(ALL) : subset(services.map((s) => s.code)),
      dataItems: subset(items),
      legalBasis: fc.constant(`zákon ${seed}`),
      validFrom: fc.constant(to !== undefined && to < from ? to : from),
      validTo: fc.constant(to !== undefined && to < from ? from : to),
    });
  })
  .map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as unknown as Authorisation);

const call = fc.record({
  agenda: fc.constantFrom(...AGENDAS),
  roleIndex: fc.nat({ max: 1 }),
  service: fc.constantFrom(...SERVICES),
  wanted: fc.option(
    fc.subarray(['Jmeno', 'Prijmeni', 'DatumNarozeni', 'AdresaPobytu', 'ObchodniNazev', 'AdresaSidla', 'StatutarniOrgany', 'Neexistuje']),
    { nil: undefined },
  ),
  day: fc.constantFrom(...DAYS, '2027-05-05', '2024-01-01'),
});

function viewOf(list: readonly Authorisation[]): RegistryView {
  const snapshot = {
    generation: 1,
    credentials: new Map(),
    ais: new Map([[7, { id: 7, state: 'active', actsFor: new Set(['00000001']), agendas: new Set(AGENDAS) }]]),
    ovmAgendas: new Map([['00000001', new Set(AGENDAS)]]),
    roleAgenda: new Map(Object.entries(ROLES).flatMap(([agenda, roles]) => roles.map((r) => [r, agenda] as const))),
    services: new Map(),
    authorisations: createAuthorisationIndex(list),
    approvedAccess: new Set<string>(),
    // Every source is owned by AIS 1, the owner of every service here.
    sources: new Map(['ROB', 'ROS'].map((code) => [code, { code, name: code, ownerAis: 1, dataItems: [] }])),
  } as unknown as RegistrySnapshot;
  return { current: () => snapshot, refresh: async () => {}, close: () => {} };
}

function serviceVersion(s: (typeof SERVICES)[number]): ServiceVersion {
  return {
    code: s.code,
    major: 1,
    minor: 0,
    ownerAis: 1,
    manifest: { source: s.source, visibility: 'public' } as Manifest,
    model: {} as ServiceVersion['model'],
    digest: '',
    publishedAt: '',
  };
}

/** The rule written out plainly: valid on the day, for this agenda, role, source and service. */
function referencePermitted(
  list: readonly Authorisation[],
  agenda: string,
  role: string,
  service: (typeof SERVICES)[number],
  day: string,
): Set<string> | undefined {
  const valid = list.filter(
    (a) =>
      a.agenda === agenda &&
      (a.roles === ALL || a.roles.includes(role)) &&
      a.source === service.source &&
      (a.services === ALL || a.services.includes(service.code)) &&
      a.validFrom <= day &&
      (a.validTo === undefined || day <= a.validTo),
  );
  if (valid.length === 0) return undefined;
  return new Set(valid.flatMap((a) => a.dataItems).filter((i) => (service.items as readonly string[]).includes(i)));
}

describe('the legal engine against a reference', () => {
  it('never returns an item no valid authorisation permits, and never refuses one that does', () => {
    fc.assert(
      fc.property(fc.uniqueArray(authorisation, { selector: (a) => a.id, maxLength: 12 }), call, (list, c) => {
        const role = ROLES[c.agenda]?.[c.roleIndex] ?? ROLES[c.agenda]?.[0] ?? 'CR11';
        const engine = createLegalEngine(viewOf(list));
        const request = {
          aisId: 7,
          context: { ovm: '00000001', agenda: c.agenda, role, userId: 'u', ...(c.wanted ? { dataItems: c.wanted } : {}) },
          service: serviceVersion(c.service),
          declared: [...c.service.items],
          at: new Date(`${c.day}T12:00:00+01:00`),
        };
        const expected = referencePermitted(list, c.agenda, role, c.service, c.day);
        let decision: ReturnType<typeof authoriseCall> | undefined;
        try {
          decision = authoriseCall(viewOf(list).current(), engine, request);
        } catch (error) {
          expect(expected).toBeUndefined();
          expect((error as { code: string }).code).toBe('EGSB_NOT_AUTHORISED');
          return;
        }
        expect(expected).toBeDefined();
        const wanted = c.wanted ?? [...c.service.items];
        expect(new Set(decision.effective)).toEqual(new Set(wanted.filter((i) => expected?.has(i))));
        expect(new Set(decision.refused)).toEqual(new Set(wanted.filter((i) => !expected?.has(i))));
        for (const id of decision.authorisations) expect(isValidOn(list.find((a) => a.id === id) as Authorisation, c.day)).toBe(true);
        if (decision.effective.length === 0)
          expect(() => requireSomeItem(decision as ReturnType<typeof authoriseCall>, request)).toThrow(/none of the wanted data items/);
      }),
      { numRuns: 3000 },
    );
  });

  it('explains a refusal: none at all, or which one expired when', () => {
    const expired: Authorisation = {
      id: 'old',
      agenda: 'A1',
      roles: ['CR11'],
      source: 'ROB',
      services: ALL,
      dataItems: ['Jmeno'],
      legalBasis: 'x',
      validFrom: '2020-01-01',
      validTo: '2025-12-31',
    };
    const request = {
      aisId: 7,
      context: { ovm: '00000001', agenda: 'A1', role: 'CR11', userId: 'u' },
      service: serviceVersion(SERVICES[0]),
      declared: ['Jmeno'],
      at: new Date('2026-03-01T10:00:00Z'),
    };
    expect(() => createLegalEngine(viewOf([])).permit(request)).toThrow(
      'no authorisation lets agenda A1, role CR11 read source ROB through service svc-a',
    );
    expect(() => createLegalEngine(viewOf([expired])).permit(request)).toThrow('old expired on 2025-12-31');
    const later = { ...expired, id: 'later', validFrom: '2027-01-01', validTo: undefined } as Authorisation;
    expect(() => createLegalEngine(viewOf([later])).permit(request)).toThrow('later is valid only from 2027-01-01');
  });

  it('refuses a restricted service without approved access before looking at authorisations', () => {
    const restricted = { ...serviceVersion(SERVICES[0]), manifest: { source: 'ROB', visibility: 'restricted' } as Manifest };
    const request = {
      aisId: 7,
      context: { ovm: '00000001', agenda: 'A1', role: 'CR11', userId: 'u' },
      service: restricted,
      declared: ['Jmeno'],
      at: new Date(),
    };
    expect(() => createLegalEngine(viewOf([])).permit(request)).toThrow(expect.objectContaining({ code: 'EGSB_ACCESS_NOT_APPROVED' }));
  });
});

describe('the Prague calendar', () => {
  it('turns the day at local midnight, summer and winter', () => {
    expect(pragueDay(Date.parse('2026-01-15T22:59:59Z'))).toBe('2026-01-15');
    expect(pragueDay(Date.parse('2026-01-15T23:00:00Z'))).toBe('2026-01-16');
    expect(pragueDay(Date.parse('2026-07-15T21:59:59Z'))).toBe('2026-07-15');
    expect(pragueDay(Date.parse('2026-07-15T22:00:00Z'))).toBe('2026-07-16');
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-12-31T00:00:00Z') }), (ms) => {
        expect(pragueDay(ms)).toBe(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Prague' }).format(ms));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('answer filtering against a reference', () => {
  const ITEMS = ['Jmeno', 'Prijmeni', 'DatumNarozeni', 'AdresaPobytu'] as const;
  const manifest = parseManifest({
    code: 'p',
    version: '1.0',
    source: 'ROB',
    endpoints: [{ url: 'http://127.0.0.1:1/p' }],
    dataItems: ITEMS.map((name) => ({ name, paths: [`/osoba/${name.toLowerCase()}`, `/seznam/*/${name.toLowerCase()}`] })),
    contract: { operations: { op: { request: 'a.json', response: 'b.json' } } },
  });
  const plan = createMessagePlan(manifest);

  it('keeps exactly the effective items, in single answers and in lists', () => {
    const person = fc.record(Object.fromEntries(ITEMS.map((i) => [i.toLowerCase(), fc.string()])) as Record<string, fc.Arbitrary<string>>, {
      requiredKeys: [],
    });
    fc.assert(
      fc.property(person, fc.array(person, { maxLength: 5 }), fc.subarray([...ITEMS]), (osoba, seznam, effective) => {
        const answer = { status: 'OK', osoba: structuredClone(osoba), seznam: structuredClone(seznam) };
        plan.filterAnswer(answer, new Set(effective));
        const keep = (p: Record<string, string | undefined>) =>
          Object.fromEntries(Object.entries(p).filter(([k]) => effective.some((i) => i.toLowerCase() === k)));
        expect(answer).toEqual({ status: 'OK', osoba: keep(osoba), seznam: seznam.map(keep) });
      }),
      { numRuns: 1000 },
    );
  });
});
