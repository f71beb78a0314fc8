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
  seznamIdAdres,
  t,
  text,
  x,
  type IszrStatus,
} from './iszr-message.ts';

/** The agenda and OVM the mock names as having registered every legal person (synthetic). */
const REGISTERED_IN = { agenda: 'A1186', ovm: '00064581' } as const;
/** A data box of a legal person: type 10 (PO), as ISZR numbers the types of data boxes. */
const DATA_BOX_TYPE_PO = 10;

export function iszrRosHandlers(population: Population): Readonly<Record<string, SoapHandler>> {
  return {
    IszrRosCtiIco(request: XmlElement, context: MockContext): string {
      const service = 'IszrRosCtiIco';
      const ns = IszrNs.service(service);
      const ico = Number(text(child(child(request, ns, 'Zadost'), ns, 'RosCtiIcoData'), IszrNs.ROS_DATA, 'Ico'));
      const reply = (status: IszrStatus, ...parts: string[]): string =>
        answerRoot(service, 'RosCtiIcoResponse', ['sdo', 'dot', 'ros', 'edi'], odpovedInfo(status, context.requestId as string), ...parts);
      const ros = (kod: VysledekKod, person = '', subKod?: string, popis?: string): string =>
        x(
          'svc:RosOdpoved',
          {},
          x(
            'svc:RosCtiIcoDataResponse',
            {},
            x(
              'sdo:AplikacniStatus',
              {},
              t('ros:VysledekKod', kod),
              subKod === undefined
                ? ''
                : x('ros:VysledekDetail', {}, t('ros:VysledekSubKod', subKod), popis === undefined ? '' : t('ros:VysledekPopis', popis)),
            ),
            person,
          ),
        );

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
