/**
 * The register of persons behind ISZR services E03 (IszrRobCtiAifo: a person by the agenda's AIFO)
 * and E05 (IszrRobCtiPodleUdaju: persons by a combination of items), over the synthetic population.
 * Persons are named the ISZR way: the data part carries local numbers, the AIFO map pairs them with
 * the caller's agenda AIFOs, which the population's ORG translates to and from persons.
 */
import type { XmlElement } from 'libxml2-wasm';
import type { Population } from '../data/population.ts';
import type { MockContext } from '../mock-context.ts';
import type { SoapHandler } from '../soap-mock.ts';
import type { UsageSource } from './usage.ts';
import {
  IszrNs,
  OK,
  SubKod,
  VysledekKod,
  answerRoot,
  answers,
  child,
  mapaAifo,
  odpovedInfo,
  readMapaAifo,
  registerStatus,
  seznamIdAdres,
  t,
  text,
  x,
  type IszrStatus,
  zadostData,
} from './iszr-message.ts';

/** ISO 3166 numeric codes of the citizenships the population holds (ROB writes states as numbers). */
const STATE_CODES: Readonly<Record<string, number>> = { CZ: 203, SK: 703, UA: 804, VN: 704, DE: 276, PL: 616 };

/** ROB's own result inside the data part. */
interface RobStatus {
  readonly kod: VysledekKod;
  readonly subKod?: 'ZAZNAM NENALEZEN' | 'CHYBA MAPA AIFO' | 'NEPOVOLENA KOMBINACE' | 'PREKROCEN POCET';
  readonly popis?: string;
}

function robStatus(status: RobStatus): string {
  return registerStatus('rod:RobAplikacniStatus', 'rob', 'VysledekRobKodType', status);
}

const SPRAVNY = { stav: 'spravny' } as const;

/** A person's items the caller may see, in the order the interface fixes, and the address codes they name. */
function personItems(population: Population, index: number, context: MockContext): { before: string; after: string; addresses: number[] } {
  const p = population.person(index);
  const addresses: number[] = [];
  let before = '';
  if (answers(context, 'AdresaPobytu')) {
    const code = population.addressPlace(p.address).code;
    addresses.push(code);
    before = t('rod:AdresaPobytu', code, SPRAVNY);
  }
  const after: string[] = [];
  if (answers(context, 'DatovaSchranka') && p.dataBox !== undefined) after.push(t('rod:DatovaSchranka', p.dataBox, SPRAVNY));
  if (answers(context, 'DatumNarozeni')) after.push(t('rod:DatumNarozeni', p.birthDate, SPRAVNY));
  if (answers(context, 'DatumUmrti') && p.deathDate !== undefined) after.push(t('rod:DatumUmrti', p.deathDate, SPRAVNY));
  if (answers(context, 'Jmeno')) after.push(t('rod:Jmeno', p.givenName, SPRAVNY));
  if (answers(context, 'MistoNarozeni'))
    after.push(x('rod:MistoNarozeni', SPRAVNY, t('rob:NarozeniCr', p.birthPlace.code, { obec: 'true' })));
  if (answers(context, 'Prijmeni')) after.push(t('rod:Prijmeni', p.surname, SPRAVNY));
  if (answers(context, 'Obcanstvi')) after.push(t('rod:Obcanstvi', STATE_CODES[p.citizenship] ?? 203, SPRAVNY));
  return { before, after: after.join(''), addresses };
}

export function iszrRobHandlers(population: Population): Readonly<Record<string, SoapHandler>> {
  return {
    IszrRobCtiAifo(request: XmlElement, context: MockContext): string {
      const service = 'IszrRobCtiAifo';
      const agenda = context.agenda as string;
      const requestId = context.requestId as string;
      const data = child(child(request, IszrNs.service(service), 'Zadost'), IszrNs.service(service), 'RobCtiAifoData');
      const local = Number(text(data, IszrNs.ROB_DATA, 'Aifo'));
      const map = readMapaAifo(request);
      const entry = map.find((m) => m.local === local);
      const reply = (status: IszrStatus, ...parts: string[]): string =>
        answerRoot(service, 'RobCtiAifoResponse', ['rod', 'rob'], odpovedInfo(status, requestId), ...parts);
      const rob = (status: RobStatus, items = ''): string =>
        x('svc:RobOdpoved', {}, x('svc:RobCtiAifoDataResponse', {}, robStatus(status), items));

      if (entry?.global === undefined) {
        const popis = `lokální AIFO ${local} nemá v mapě AIFO globální AIFO`;
        return reply(
          { kod: VysledekKod.CHYBA, subKod: SubKod.NEVALIDNI_ZADOST, popis },
          mapaAifo(map.map((m) => ({ local: m.local, ...(m.global ? { global: m.global } : {}) }))),
          rob({ kod: VysledekKod.CHYBA, subKod: 'CHYBA MAPA AIFO', popis }),
        );
      }
      // The AIFO is the caller's agenda's unless the map entry names another agenda (ORG translates).
      const person = population.org.personOf(entry.agenda ?? agenda, entry.global);
      if (person === undefined) {
        return reply(
          { kod: VysledekKod.CHYBA, subKod: SubKod.AIFO_NEEXISTUJE, popis: `AIFO není v agendě ${entry.agenda ?? agenda} známo` },
          mapaAifo([{ local, global: entry.global, status: 'AifoZdrojNenalezeno' }]),
        );
      }
      const items = personItems(population, person, context);
      return reply(
        OK,
        mapaAifo([{ local, global: entry.global }]),
        seznamIdAdres(items.addresses),
        rob({ kod: VysledekKod.OK }, items.before + items.after),
      );
    },

    IszrRobCtiPodleUdaju(request: XmlElement, context: MockContext): string {
      const service = 'IszrRobCtiPodleUdaju';
      const agenda = context.agenda as string;
      const requestId = context.requestId as string;
      const data = child(child(request, IszrNs.service(service), 'Zadost'), IszrNs.service(service), 'RobCtiPodleUdajuData');
      const reply = (status: IszrStatus, ...parts: string[]): string =>
        answerRoot(service, 'RobCtiPodleUdajuResponse', ['rod', 'rob'], odpovedInfo(status, requestId), ...parts);
      const rob = (status: RobStatus, persons = ''): string =>
        x('svc:RobOdpoved', {}, x('svc:RobCtiPodleUdajuDataResponse', {}, robStatus(status), persons));

      const givenName = text(data, IszrNs.ROB_DATA, 'Jmeno');
      const surname = text(data, IszrNs.ROB_DATA, 'Prijmeni');
      const birthDate = text(data, IszrNs.ROB_DATA, 'DatumNarozeni');
      if (givenName === undefined || surname === undefined || birthDate === undefined || givenName === '' || surname === '') {
        const popis = 'hledá se podle jména, příjmení a data narození; jiné kombinace mock nezná';
        return reply(
          { kod: VysledekKod.CHYBA, subKod: SubKod.APLIKACNI_CHYBA, popis },
          rob({ kod: VysledekKod.CHYBA, subKod: 'NEPOVOLENA KOMBINACE', popis }),
        );
      }
      const found = population.findPersons({ givenName, surname, birthDate });
      if (found.length === 0) {
        return reply(
          { kod: VysledekKod.VAROVANI, subKod: SubKod.NENALEZENO, popis: 'zadaným údajům neodpovídá žádná osoba' },
          rob({ kod: VysledekKod.VAROVANI, subKod: 'ZAZNAM NENALEZEN' }),
        );
      }
      const limit = Number(text(child(request, IszrNs.ABSTRACT, 'AutorizaceInfo'), IszrNs.ABSTRACT, 'MaximalniPocetZaznamu') ?? 1);
      if (found.length > limit) {
        const popis = `zadaným údajům odpovídá ${found.length} osob, povoleno ${limit}; upřesněte dotaz`;
        return reply(
          { kod: VysledekKod.VAROVANI, subKod: SubKod.PREKROCEN_SEZNAM, popis },
          rob({ kod: VysledekKod.VAROVANI, subKod: 'PREKROCEN POCET', popis }),
        );
      }
      const entries = found.map((person, i) => ({ local: i + 1, global: population.org.aifoOf(person, agenda) }));
      const addresses: number[] = [];
      const persons = found.map((person, i) => {
        const items = personItems(population, person, context);
        addresses.push(...items.addresses);
        return x('rod:Osoba', {}, items.before, t('rod:Aifo', i + 1, SPRAVNY), items.after);
      });
      return reply(OK, mapaAifo(entries), seznamIdAdres(addresses), rob({ kod: VysledekKod.OK }, persons.join('')));
    },
  };
}

/** Bits of the item list in a use of a person's data, in the order of ISZR's list of ROB items (the mock's reading). */
const ITEM_BITS = [
  'AdresaPobytu',
  'Aifo',
  'Bok',
  'DatovaSchranka',
  'DatumNarozeni',
  'DatumUmrti',
  'DatumPravniMociUmrti',
  'Doklad',
  'DorucovaciAdresa',
  'Editor',
  'Jmeno',
  'MistoNarozeni',
  'MistoUmrti',
  'Obcanstvi',
  'VyuzitiPoskytnuti',
  'Prijmeni',
];

export function itemBits(items: readonly string[]): bigint {
  let bits = 0n;
  for (const item of items) {
    const bit = ITEM_BITS.indexOf(item);
    if (bit >= 0) bits |= 1n << BigInt(bit);
  }
  return bits;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * IszrRobVypisVyuzitiPoskytnuti: who read a person's data through this bus. The person comes from the
 * caller's AIFO; ORG gives its AIFO in every agenda, and the audit is asked for each. A call whose
 * request id is not a UUID is reported with the audit record's id as AgendaZadostId too.
 */
export function iszrUsageHandlers(population: Population, usage: UsageSource | undefined): Readonly<Record<string, SoapHandler>> {
  return {
    async IszrRobVypisVyuzitiPoskytnuti(request: XmlElement, context: MockContext): Promise<string> {
      const service = 'IszrRobVypisVyuzitiPoskytnuti';
      const agenda = context.agenda as string;
      const data = zadostData(request, service, 'RobVypisVyuzitiPoskytnutiData');
      const reply = (status: IszrStatus, ...parts: string[]): string =>
        answerRoot(
          service,
          'RobVypisVyuzitiPoskytnutiResponse',
          ['rod', 'rob'],
          odpovedInfo(status, context.requestId as string),
          ...parts,
        );
      const rob = (status: RobStatus, uses = ''): string =>
        x('svc:RobOdpoved', {}, x('svc:RobVypisVyuzitiPoskytnutiDataResponse', {}, robStatus(status), uses));

      if (text(data, IszrNs.ROB_DATA, 'RocniVypisCislo') !== undefined)
        return reply({
          kod: VysledekKod.CHYBA,
          subKod: SubKod.NENI_IMPLEMENTOVANO,
          popis: 'roční výpis mock nevede; ptejte se podle AIFO',
        });
      if (usage === undefined)
        return reply({
          kod: VysledekKod.CHYBA,
          subKod: SubKod.NENI_K_DISPOZICI,
          popis: 'mock běží bez sběrnice, nemá se koho zeptat na záznamy',
        });
      const local = Number(text(data, IszrNs.ROB_DATA, 'Aifo'));
      const map = readMapaAifo(request);
      const entry = map.find((m) => m.local === local);
      if (entry?.global === undefined) {
        const popis = `lokální AIFO ${local} nemá v mapě AIFO globální AIFO`;
        return reply(
          { kod: VysledekKod.CHYBA, subKod: SubKod.NEVALIDNI_ZADOST, popis },
          rob({ kod: VysledekKod.CHYBA, subKod: 'CHYBA MAPA AIFO', popis }),
        );
      }
      const person = population.org.personOf(entry.agenda ?? agenda, entry.global);
      if (person === undefined)
        return reply(
          { kod: VysledekKod.CHYBA, subKod: SubKod.AIFO_NEEXISTUJE, popis: `AIFO není v agendě ${entry.agenda ?? agenda} známo` },
          mapaAifo([{ local, global: entry.global, status: 'AifoZdrojNenalezeno' }]),
        );
      const from = Date.parse(text(data, IszrNs.ROB_DATA, 'CasOd') as string);
      const toText = text(data, IszrNs.ROB_DATA, 'CasDo');
      const to = toText === undefined ? Infinity : Date.parse(toText);
      const reads = (await Promise.all((await usage.agendas()).map((a) => usage.reads(`AIFO:${population.org.aifoOf(person, a)}`))))
        .flat()
        .filter((r) => {
          const at = Date.parse(r.time);
          return at >= from && at <= to && r.agenda !== null && r.ovm !== null;
        })
        .sort((a, b) => a.time.localeCompare(b.time));
      const uses = reads.map((r) =>
        x(
          'rod:VyuzitiPoskytnuti',
          {},
          t('rod:VyuzitiPoskytnuti', 'vyuziti'),
          t('rod:Agenda', r.agenda as string),
          t('rod:Subjekt', `OVM ${r.ovm}`),
          t('rod:Uzivatel', (r.auditUserId ?? 'neuveden').slice(0, 100)),
          t('rod:Ovm', r.ovm as string),
          t('rod:CasVyuziti', r.time),
          t('rod:DuvodUcel', (r.purpose ?? 'neuveden').slice(0, 255)),
          t('rod:SeznamUdaju', itemBits(r.dataItems).toString()),
          t('rod:AgendaZadostId', UUID.test(r.requestId) ? r.requestId : r.id),
          t('rod:IszrZadostId', r.id),
        ),
      );
      return reply(OK, mapaAifo([{ local, global: entry.global }]), rob({ kod: VysledekKod.OK }, uses.join('')));
    },
  };
}

/** The synthetic feed of changes in ROB: change n (from 1) happens at FEED_START + n × FEED_STEP_MS and concerns one person. */
export const FEED_START = Date.UTC(2026, 0, 1);
export const FEED_STEP_MS = 10 * 60_000;
/** Changes given in one answer at most; the caller goes on from the last ZmenaId. */
const CHANGES_PER_ANSWER = 1000;

export function changedPerson(change: number, persons: number): number {
  return (change * 7919 + 104_729) % persons;
}

/**
 * IszrRobCtiZmeny (E07): the persons whose data changed in a period (CasOd–CasDo) or after a change
 * id, from the mock's synthetic feed (no change lies in the future), named in the answer's AIFO map by
 * the caller's agenda AIFOs; ZmenaCas and ZmenaId name the last change the answer covers.
 */
export function iszrChangeHandlers(population: Population, now: () => number = Date.now): Readonly<Record<string, SoapHandler>> {
  return {
    IszrRobCtiZmeny(request: XmlElement, context: MockContext): string {
      const service = 'IszrRobCtiZmeny';
      const agenda = context.agenda as string;
      const data = zadostData(request, service, 'RobCtiZmenyData');
      const fromText = text(data, IszrNs.ROB_DATA, 'CasOd');
      const afterId = text(data, IszrNs.ROB_DATA, 'ZmenaId');
      const toText = text(data, IszrNs.ROB_DATA, 'CasDo');
      const last = Math.floor((Math.min(toText === undefined ? Infinity : Date.parse(toText), now()) - FEED_START) / FEED_STEP_MS);
      const first = afterId !== undefined ? Number(afterId) + 1 : Math.ceil((Date.parse(fromText as string) - FEED_START) / FEED_STEP_MS);
      const start = Math.max(1, first);
      const end = Math.min(last, start + CHANGES_PER_ANSWER - 1);
      const persons = population.counts.persons;
      const changed = new Map<number, number>();
      for (let n = start; n <= end; n++) {
        const person = changedPerson(n, persons);
        if (!changed.has(person)) changed.set(person, changed.size + 1);
      }
      const reply = (...parts: string[]): string =>
        answerRoot(service, 'RobCtiZmenyResponse', ['rod', 'rob'], odpovedInfo(OK, context.requestId as string), ...parts);
      const covered =
        end >= start ? t('rod:ZmenaCas', new Date(FEED_START + end * FEED_STEP_MS).toISOString()) + t('rod:ZmenaId', end) : '';
      return reply(
        mapaAifo([...changed].map(([person, local]) => ({ local, global: population.org.aifoOf(person, agenda) }))),
        x('svc:RobOdpoved', {}, x('svc:RobCtiZmenyDataResponse', {}, robStatus({ kod: VysledekKod.OK }), covered)),
      );
    },
  };
}
