/**
 * Typed reads from the basic registers over their ISZR services (E03 IszrRobCtiAifo, E05
 * IszrRobCtiPodleUdaju, E20 IszrRosCtiIco, E36 IszrRuianCtiAdresu), built on the generic client: the
 * example of how an AIS wraps a service it uses. The client writes ZadostInfo from its context and the
 * call's options (the request id as AgendaZadostId) and the item list into AutorizaceInfo; the helpers
 * name a person through MapaAifo and read the answer back into plain records. Each
 * answers the record, or undefined when the register does not know the subject (with ISZR's result
 * code and sub-codes); the bus's refusals come back as the client's typed errors.
 */
import type { Answer, CallOptions, SharedDataClient } from './client.ts';

/** A person as ROB answers (only the items the caller may see are present). */
export interface Person {
  /** The person's AIFO in the caller's agenda. */
  readonly aifo: string;
  readonly Jmeno?: string;
  readonly Prijmeni?: string;
  readonly DatumNarozeni?: string;
  readonly DatumUmrti?: string;
  /** RUIAN code of the Czech municipality of birth, or the place abroad and its state code. */
  readonly MistoNarozeni?: { readonly obec: string } | { readonly misto: string; readonly stat: string };
  /** RUIAN code of the address place (its text comes from RUIAN: `addressByCode`). */
  readonly AdresaPobytu?: string;
  /** Numeric state codes. */
  readonly Obcanstvi?: readonly string[];
  readonly DatovaSchranka?: string;
}

/** A legal person as ROS answers. */
export interface LegalPerson {
  readonly Ico: string;
  readonly ObchodniNazev?: string;
  readonly PravniForma?: { readonly Kod: string; readonly Nazev?: string };
  readonly DatumVzniku?: string;
  /** RUIAN code of the seat's address place. */
  readonly AdresaSidla?: string;
  readonly DatovaSchranka?: string;
}

/** An address place as RUIAN answers. */
export interface AddressPlace {
  readonly Kod: string;
  readonly Obec?: { readonly Kod: string; readonly Nazev: string };
  readonly CastObce?: { readonly Kod: string; readonly Nazev: string };
  readonly Ulice?: { readonly Kod: string; readonly Nazev: string };
  readonly CisloDomovni?: string;
  readonly CisloOrientacni?: string;
  readonly Psc?: string;
  /** The address in lines, joined. */
  readonly TextAdresy?: string;
}

/** The register's answer: the record, or undefined when the register does not know the subject. */
export interface RegisterAnswer<T> extends Omit<Answer, 'data'> {
  readonly record: T | undefined;
  /** VysledekKod, and the sub-codes of VysledekDetail (e.g. "AIFO NEEXISTUJE"). */
  readonly result: { readonly code: string; readonly details: readonly string[] };
}

export interface PersonQuery {
  readonly givenName: string;
  readonly surname: string;
  /** YYYY-MM-DD */
  readonly birthDate: string;
}

export interface BasicRegisters {
  /** E03: a person by the AIFO it has in the caller's agenda. */
  personByAifo(aifo: string, options: CallOptions): Promise<RegisterAnswer<Person>>;
  /** E05: the persons with this name and birth date, each with its AIFO in the caller's agenda. */
  personsByDetails(query: PersonQuery, options: CallOptions): Promise<RegisterAnswer<Person[]>>;
  /** E20: a legal person by IČO. */
  legalPersonByIco(ico: string, options: CallOptions): Promise<RegisterAnswer<LegalPerson>>;
  /** E36: an address place by its RUIAN code. */
  addressByCode(code: number | string, options: CallOptions): Promise<RegisterAnswer<AddressPlace>>;
}

type Node = Record<string, unknown>;

export function basicRegisters(client: SharedDataClient): BasicRegisters {
  // The client writes ZadostInfo (and the item list) from its context and the call's options.
  const call = (service: string, request: Node, options: CallOptions) => client.call<Node>(service, service, request, options);

  function answer<T>(reply: Omit<Answer, 'data'> & { data: Node }, record: T | undefined): RegisterAnswer<T> {
    const { data, ...rest } = reply;
    const status = obj(obj(data.OdpovedInfo)?.Status);
    const details = list(status?.VysledekDetail).map((d) => text(obj(d)?.VysledekSubKod) ?? '');
    return { ...rest, record, result: { code: text(status?.VysledekKod) ?? '', details } };
  }

  /** The AIFO each local number of the answer's map stands for. */
  function aifoMap(data: Node): Map<string, string> {
    return new Map(
      list(obj(data.MapaAifo)?.PrevodAifo).map((p) => [text(obj(p)?.LokalniAifo) ?? '', text(obj(p)?.GlobalniAifo) ?? ''] as const),
    );
  }

  return {
    async personByAifo(aifo, options) {
      const reply = await call(
        'IszrRobCtiAifo',
        {
          MapaAifo: { PrevodAifo: { LokalniAifo: 1, GlobalniAifo: aifo } },
          Zadost: { RobCtiAifoData: { Aifo: 1, VyuzitiPoskytnuti: 'vyuziti' } },
        },
        options,
      );
      const data = obj(obj(reply.data.RobOdpoved)?.RobCtiAifoDataResponse);
      return answer(reply, data === undefined ? undefined : person(aifo, data));
    },

    async personsByDetails(query, options) {
      const reply = await call(
        'IszrRobCtiPodleUdaju',
        { Zadost: { RobCtiPodleUdajuData: { DatumNarozeni: query.birthDate, Jmeno: query.givenName, Prijmeni: query.surname } } },
        options,
      );
      const map = aifoMap(reply.data);
      const data = obj(obj(reply.data.RobOdpoved)?.RobCtiPodleUdajuDataResponse);
      const found = list(data?.Osoba).map((o) => person(map.get(text(obj(o)?.Aifo) ?? '') ?? '', obj(o) ?? {}));
      return answer(reply, data === undefined || found.length === 0 ? undefined : found);
    },

    async legalPersonByIco(ico, options) {
      const reply = await call('IszrRosCtiIco', { Zadost: { RosCtiIcoData: { Ico: Number(ico) } } }, options);
      const o = obj(obj(obj(reply.data.RosOdpoved)?.RosCtiIcoDataResponse)?.PravnickaOsoba);
      if (o === undefined) return answer<LegalPerson>(reply, undefined);
      const agenda = obj(o.OsobaAgendy);
      const form = obj(o.PravniForma);
      const record: LegalPerson = {
        Ico: (text(o.Ico) ?? '').padStart(8, '0'),
        ...defined('ObchodniNazev', text(agenda?.NazevOsoby)),
        ...(form ? { PravniForma: { Kod: text(form.KodPravniFormy) ?? '', ...defined('Nazev', text(form.NazevPravniFormy)) } } : {}),
        ...defined('DatumVzniku', text(agenda?.DatumVznikuOpravneni)),
        ...defined('AdresaSidla', text(obj(agenda?.AdresaSidla)?.OdkazRuian)),
        ...defined('DatovaSchranka', text(list(obj(o.DatoveSchranky)?.DatovaSchranka)[0])),
      };
      return answer(reply, record);
    },

    async addressByCode(code, options) {
      const reply = await call(
        'IszrRuianCtiAdresu',
        { Zadost: { RuianCtiAdresuData: { Kod: String(code), FormatAdresy: 'VSECHNY' } } },
        options,
      );
      const adresa = obj(obj(obj(reply.data.RuianOdpoved)?.RuianCtiAdresuDataResponse)?.Adresa);
      if (adresa === undefined) return answer<AddressPlace>(reply, undefined);
      const p = obj(adresa.PolozkovaAdresa) ?? {};
      const lines = obj(adresa.RadkovaAdresa);
      const pair = (kod: string, nazev: string) => {
        const k = text(p[kod]);
        return k === undefined ? undefined : { Kod: k, Nazev: text(p[nazev]) ?? '' };
      };
      const record: AddressPlace = {
        Kod: text(p.AdresniMistoKod) ?? text(lines?.AdresniMistoKod) ?? String(code),
        ...defined('Obec', pair('ObecKod', 'ObecNazev')),
        ...defined('CastObce', pair('CastObceKod', 'CastObceNazev')),
        ...defined('Ulice', pair('UliceKod', 'UliceNazev')),
        ...defined('CisloDomovni', text(p.CisloDomovni)),
        ...defined('CisloOrientacni', text(p.CisloOrientacni)),
        ...defined('Psc', text(p.PostaKod)),
        ...defined(
          'TextAdresy',
          lines === undefined
            ? undefined
            : ['RadekAdresy1', 'RadekAdresy2', 'RadekAdresy3']
                .map((k) => text(lines[k]))
                .filter((l): l is string => l !== undefined)
                .join(', '),
        ),
      };
      return answer(reply, record);
    },
  };
}

function person(aifo: string, o: Node): Person {
  const place = obj(o.MistoNarozeni);
  const abroad = obj(place?.NarozeniSvet);
  const obcanstvi = list(o.Obcanstvi).map((v) => text(v) ?? '');
  return {
    aifo,
    ...defined('Jmeno', text(o.Jmeno)),
    ...defined('Prijmeni', text(o.Prijmeni)),
    ...defined('DatumNarozeni', text(o.DatumNarozeni)),
    ...defined('DatumUmrti', text(o.DatumUmrti)),
    ...(place === undefined
      ? {}
      : {
          MistoNarozeni:
            abroad !== undefined
              ? { misto: text(abroad.MistoSvet) ?? '', stat: text(abroad.Stat) ?? '' }
              : { obec: text(place.NarozeniCr) ?? '' },
        }),
    ...defined('AdresaPobytu', text(o.AdresaPobytu)),
    ...(obcanstvi.length > 0 ? { Obcanstvi: obcanstvi } : {}),
    ...defined('DatovaSchranka', text(o.DatovaSchranka)),
  };
}

function obj(value: unknown): Node | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Node) : undefined;
}

function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** An element's text, whether it came bare or with attributes (`$value`). */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const o = obj(value);
  return typeof o?.$value === 'string' ? o.$value : undefined;
}

function defined<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}
