/**
 * Typed reads from the bundled register mocks (ROB, ROS, RUIAN), built on the generic client: the
 * example of how an AIS wraps a service it uses. Each answers the register's record, or undefined
 * when the register says it does not know the subject (VysledekKod CHYBA); the register's other
 * answers and the bus's refusals come back as the client's typed errors.
 */
import type { Answer, CallOptions, SharedDataClient } from './client.ts';

export interface CodeName {
  readonly Kod: string;
  readonly Nazev: string;
}

export interface Address {
  readonly AdresniMistoKod?: string;
  readonly TextAdresy?: string;
}

/** A person as ROB answers (only the items the caller may see are present). */
export interface Person {
  readonly Aifo: string;
  readonly Jmeno?: string;
  readonly Prijmeni?: string;
  readonly DatumNarozeni?: string;
  readonly MistoNarozeni?: CodeName;
  readonly DatumUmrti?: string;
  readonly AdresaPobytu?: Address;
  readonly Obcanstvi?: string;
  readonly DatovaSchranka?: string;
}

/** A legal person or entrepreneur as ROS answers. */
export interface LegalPerson {
  readonly Ico: string;
  readonly ObchodniNazev?: string;
  readonly PravniForma?: CodeName;
  readonly DatumVzniku?: string;
  readonly AdresaSidla?: Address;
  readonly DatovaSchranka?: string;
  readonly StatutarniOrgan?: unknown;
}

/** An address place as RUIAN answers. */
export interface AddressPlace {
  readonly Kod: string;
  readonly Obec?: CodeName;
  readonly CastObce?: CodeName;
  readonly Ulice?: CodeName;
  readonly CisloDomovni?: string;
  readonly CisloOrientacni?: string;
  readonly Psc?: string;
  readonly TextAdresy?: string;
}

/** The register's answer: the record, or undefined when the register does not know the subject. */
export interface RegisterAnswer<T> extends Omit<Answer, 'data'> {
  readonly record: T | undefined;
  /** VysledekKod, and the sub-codes of VysledekDetail (e.g. "AIFO NEEXISTUJE"). */
  readonly result: { readonly code: string; readonly details: readonly string[] };
}

export interface BasicRegisters {
  personByAifo(aifo: string, options: CallOptions): Promise<RegisterAnswer<Person>>;
  legalPersonByIco(ico: string, options: CallOptions): Promise<RegisterAnswer<LegalPerson>>;
  addressByCode(code: number | string, options: CallOptions): Promise<RegisterAnswer<AddressPlace>>;
}

type Reply = Record<string, unknown> & {
  OdpovedInfo?: { Status?: { VysledekKod?: string; VysledekDetail?: { VysledekSubKod?: string } | { VysledekSubKod?: string }[] } };
};

export function basicRegisters(client: SharedDataClient): BasicRegisters {
  async function read<T>(
    service: string,
    operation: string,
    data: Record<string, unknown>,
    recordKey: string,
    options: CallOptions,
  ): Promise<RegisterAnswer<T>> {
    const { data: reply, ...rest } = await client.call<Reply>(service, operation, data, options);
    const status = reply.OdpovedInfo?.Status;
    const details =
      status?.VysledekDetail === undefined
        ? []
        : (Array.isArray(status.VysledekDetail) ? status.VysledekDetail : [status.VysledekDetail]).map((d) => d.VysledekSubKod ?? '');
    return { ...rest, record: reply[recordKey] as T | undefined, result: { code: status?.VysledekKod ?? '', details } };
  }
  return {
    personByAifo: (aifo, options) => read<Person>('rob', 'RobCtiAifo', { Aifo: aifo }, 'Osoba', options),
    legalPersonByIco: (ico, options) => read<LegalPerson>('ros', 'RosCtiIco', { Ico: ico }, 'Subjekt', options),
    addressByCode: (code, options) =>
      read<AddressPlace>('ruian', 'RuianCtiAdresu', { AdresniMistoKod: String(code) }, 'AdresniMisto', options),
  };
}
