/**
 * ROS behind ISZR service E20 (IszrRosCtiIco): a legal person by its IČO. The synthetic legal
 * persons carry no registering agenda; the mock names them all as registered in the demo trade
 * agenda A1186 by Praha (00064581), and writes a change id derived from the person.
 */
import type { XmlElement } from 'libxml2-wasm';
import { isValidIco } from '../data/ico.ts';
import type { Population } from '../data/population.ts';
import type { MockContext } from '../mock-context.ts';
import type { SoapHandler } from '../soap-mock.ts';
import {
  IszrNs,
  OK,
  SubKod,
  VysledekKod,
  answerRoot,
  answers,
  child,
  odpovedInfo,
  registerStatus,
  seznamIdAdres,
  t,
  text,
  x,
  type IszrStatus,
  type RegisterStatus,
  zadostData,
} from './iszr-message.ts';

/** The agenda and OVM the mock names as having registered every legal person (synthetic). */
const REGISTERED_IN = { agenda: 'A1186', ovm: '00064581' } as const;
/** A data box of a legal person: type 10 (PO), as ISZR numbers the types of data boxes. */
const DATA_BOX_TYPE_PO = 10;

export function iszrRosHandlers(population: Population): Readonly<Record<string, SoapHandler>> {
  return {
    IszrRosCtiIco(request: XmlElement, context: MockContext): string {
      const service = 'IszrRosCtiIco';
      const ico = Number(text(zadostData(request, service, 'RosCtiIcoData'), IszrNs.ROS_DATA, 'Ico'));
      const reply = (status: IszrStatus, ...parts: string[]): string =>
        answerRoot(service, 'RosCtiIcoResponse', ['sdo', 'dot', 'ros', 'edi'], odpovedInfo(status, context.requestId as string), ...parts);
      const ros = (kod: VysledekKod, person = '', subKod?: string, popis?: string): string =>
        rosPart('svc:RosCtiIcoDataResponse', { kod, ...(subKod ? { subKod } : {}), ...(popis ? { popis } : {}) }, person);

      const digits = String(ico).padStart(8, '0');
      if (!isValidIco(digits)) {
        const popis = `IČO ${digits} nemá platnou kontrolní číslici`;
        return reply(
          { kod: VysledekKod.CHYBA, subKod: SubKod.NEVALIDNI_ZADOST, popis },
          ros(VysledekKod.CHYBA, '', 'ICO CHYBA MODULO', popis),
        );
      }
      const index = population.legalByIco(digits);
      if (index === undefined) {
        const popis = `IČO ${ico} v ROS není`;
        return reply({ kod: VysledekKod.CHYBA, subKod: SubKod.NENALEZENO, popis }, ros(VysledekKod.CHYBA, '', 'ICO NEEXISTUJE', popis));
      }
      const p = population.legalPerson(index);
      const address = population.addressPlace(p.address).code;
      const person = x(
        'sdo:PravnickaOsoba',
        {},
        t('dot:Ico', ico),
        t('dot:IdZmeny', 1_000_000 + index),
        answers(context, 'DatovaSchranka')
          ? x('dot:DatoveSchranky', {}, t('dot:DatovaSchranka', p.dataBox, { typ: DATA_BOX_TYPE_PO, stav: 'spravny' }))
          : '',
        x('dot:PravniForma', { stav: 'spravny' }, t('dot:KodPravniFormy', p.legalForm.code), t('dot:NazevPravniFormy', p.legalForm.name)),
        x(
          'dot:OsobaAgendy',
          {},
          t('dot:KodAgendy', REGISTERED_IN.agenda),
          t('dot:KodOvm', REGISTERED_IN.ovm),
          t('dot:NazevOsoby', p.name, { stav: 'spravny' }),
          t('dot:DatumVznikuOpravneni', p.established, { stav: 'spravny' }),
          x('dot:AdresaSidla', { stav: 'spravny' }, t('ros:OdkazRuian', address)),
        ),
      );
      // The core items come together: without all of them the answer holds no person.
      const core = ['ObchodniNazev', 'PravniForma', 'DatumVzniku', 'AdresaSidla'].every((item) => answers(context, item));
      return reply(OK, core ? seznamIdAdres([address]) : '', ros(VysledekKod.OK, core ? person : ''));
    },
  };
}

/** ROS's part of an answer: its status, then the persons. */
function rosPart(dataResponse: string, status: RegisterStatus, persons: string): string {
  return x('svc:RosOdpoved', {}, x(dataResponse, {}, registerStatus('sdo:AplikacniStatus', 'ros', 'VysledekKod', status), persons));
}

/** Persons one search answers at most unless MaximalniPocet says otherwise. */
const DEFAULT_MAXIMUM = 100;

/**
 * ROS behind IszrRosCtiPodleUdaju: legal persons found by IČO, name (the start of it, any case), legal
 * form or data box, all given filters together. The other filters the interface allows (statutory
 * body, branch, natural person, legal state, agenda, dates, addresses) are refused as not implemented
 * rather than ignored. Each item is optional here, so each narrows on its own.
 */
export function iszrRosSearchHandlers(population: Population): Readonly<Record<string, SoapHandler>> {
  return {
    IszrRosCtiPodleUdaju(request: XmlElement, context: MockContext): string {
      const service = 'IszrRosCtiPodleUdaju';
      const data = zadostData(request, service, 'RosCtiPodleUdajuData');
      const reply = (status: IszrStatus, ...parts: string[]): string =>
        answerRoot(
          service,
          'RosCtiPodleUdajuResponse',
          ['sdo', 'dot', 'ros', 'edi'],
          odpovedInfo(status, context.requestId as string),
          ...parts,
        );
      const ros = (kod: VysledekKod, persons = '', subKod?: string, popis?: string): string =>
        rosPart('svc:RosCtiPodleUdajuDataResponse', { kod, ...(subKod ? { subKod } : {}), ...(popis ? { popis } : {}) }, persons);

      const agendaFilter = child(data, IszrNs.ROS_DATA, 'OsobaAgendy');
      const unsupported = ['KodPravnihoStavu', 'StatutarniOrgan', 'Provozovna', 'Fo']
        .filter((name) => child(data, IszrNs.ROS_DATA, name) !== undefined)
        .concat(
          ['KodAgendy', 'KodOvm', 'DatumVznikuOpravneni', 'DatumZanikuOpravneni', 'AdresaSidla']
            .filter((name) => child(agendaFilter, IszrNs.ROS_QUERY_TYPES, name) !== undefined)
            .map((name) => `OsobaAgendy/${name}`),
        );
      if (unsupported.length > 0) {
        const popis = `mock hledá podle IČO, názvu, právní formy a datové schránky, ne podle ${unsupported.join(', ')}`;
        return reply(
          { kod: VysledekKod.CHYBA, subKod: SubKod.NENI_IMPLEMENTOVANO, popis },
          ros(VysledekKod.CHYBA, '', 'OBECNA CHYBA SLUZBY', popis),
        );
      }
      const icoText = text(data, IszrNs.ROS_DATA, 'Ico');
      const form = text(data, IszrNs.ROS_DATA, 'KodPravniFormy');
      const name = text(agendaFilter, IszrNs.ROS_QUERY_TYPES, 'NazevOsoby')?.toLocaleLowerCase('cs');
      const box = text(child(data, IszrNs.ROS_DATA, 'DatovaSchranka'), IszrNs.ROS_QUERY_TYPES, 'IdDatoveSchranky');
      if (icoText === undefined && form === undefined && name === undefined && box === undefined) {
        const popis = 'zadejte IČO, název, právní formu nebo datovou schránku';
        return reply(
          { kod: VysledekKod.CHYBA, subKod: SubKod.NEVALIDNI_ZADOST, popis },
          ros(VysledekKod.CHYBA, '', 'NEVALIDNI ZADOST', popis),
        );
      }
      const maximum = Number(text(data, IszrNs.ROS_DATA, 'MaximalniPocet') ?? DEFAULT_MAXIMUM);
      const candidates =
        icoText !== undefined
          ? [population.legalByIco(icoText.padStart(8, '0'))].filter((i): i is number => i !== undefined)
          : Array.from({ length: population.counts.legalPersons }, (_, i) => i);
      const found = candidates.filter((i) => {
        const p = population.legalPerson(i);
        return (
          (form === undefined || String(p.legalForm.code) === form) &&
          (name === undefined || p.name.toLocaleLowerCase('cs').startsWith(name)) &&
          (box === undefined || p.dataBox === box)
        );
      });
      if (found.length === 0) {
        const popis = 'zadaným údajům neodpovídá žádná osoba';
        return reply(
          { kod: VysledekKod.VAROVANI, subKod: SubKod.NENALEZENO, popis },
          ros(VysledekKod.VAROVANI, '', 'NEVYHOVUJE ZAZNAM OSOBY', popis),
        );
      }
      const shown = found.slice(0, maximum);
      const addresses: number[] = [];
      const persons = shown.map((i) => {
        const p = population.legalPerson(i);
        const address = population.addressPlace(p.address).code;
        if (answers(context, 'AdresaSidla')) addresses.push(address);
        return x(
          'sdo:PravnickaOsoba',
          {},
          t('dot:Ico', Number(p.ico)),
          t('dot:CasZmeny', '2026-01-01T00:00:00Z'),
          t('dot:IdZmeny', 1_000_000 + i),
          answers(context, 'DatovaSchranka')
            ? x('dot:DatoveSchranky', {}, t('dot:DatovaSchranka', p.dataBox, { typ: DATA_BOX_TYPE_PO, stav: 'spravny' }))
            : '',
          answers(context, 'PravniForma')
            ? x(
                'dot:PravniForma',
                { stav: 'spravny' },
                t('dot:KodPravniFormy', p.legalForm.code),
                t('dot:NazevPravniFormy', p.legalForm.name),
              )
            : '',
          x(
            'dot:OsobaAgendy',
            {},
            t('dot:KodAgendy', REGISTERED_IN.agenda),
            t('dot:KodOvm', REGISTERED_IN.ovm),
            answers(context, 'ObchodniNazev') ? t('dot:NazevOsoby', p.name, { stav: 'spravny' }) : '',
            answers(context, 'DatumVzniku') ? t('dot:DatumVznikuOpravneni', p.established, { stav: 'spravny' }) : '',
            answers(context, 'AdresaSidla') ? x('dot:AdresaSidla', { stav: 'spravny' }, t('ros:OdkazRuian', address)) : '',
          ),
        );
      });
      const over = found.length > maximum;
      const popis = over ? `nalezeno ${found.length} osob, uvedeno prvních ${maximum}` : undefined;
      return reply(
        over ? { kod: VysledekKod.VAROVANI, subKod: SubKod.PREKROCEN_SEZNAM, ...(popis ? { popis } : {}) } : OK,
        seznamIdAdres(addresses),
        ros(over ? VysledekKod.VAROVANI : VysledekKod.OK, persons.join(''), over ? 'PREKROCEN POCET' : undefined, popis),
      );
    },
  };
}
