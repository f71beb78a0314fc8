/**
 * RUIAN behind ISZR service E36 (IszrRuianCtiAdresu): an address place by its code, as items
 * (POLOZKOVY), as lines (RADKOVY) or both (VSECHNY), with only the items the caller may see.
 */
import type { XmlElement } from 'libxml2-wasm';
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
  odpovedInfo,
  t,
  text,
  x,
  type IszrStatus,
  zadostData,
} from './iszr-message.ts';

/** RUIAN's code of the kind of house number: 1 for a číslo popisné. */
const CISLO_POPISNE = 1;

export function iszrRuianHandlers(population: Population): Readonly<Record<string, SoapHandler>> {
  return {
    IszrRuianCtiAdresu(request: XmlElement, context: MockContext): string {
      const service = 'IszrRuianCtiAdresu';
      const data = zadostData(request, service, 'RuianCtiAdresuData');
      const code = Number(text(data, IszrNs.RUIAN_ADDRESS, 'Kod'));
      const format = text(data, IszrNs.RUIAN_ADDRESS, 'FormatAdresy');
      const reply = (status: IszrStatus, part = ''): string =>
        answerRoot(service, 'RuianCtiAdresuResponse', ['ca'], odpovedInfo(status, context.requestId as string), part);

      const index = population.addressByCode(code);
      if (index === undefined)
        return reply({ kod: VysledekKod.CHYBA, subKod: SubKod.ADRESA_NEEXISTUJE, popis: `adresní místo ${code} v RUIAN není` });
      const a = population.addressPlace(index);
      const items: string[] = [];
      if (answers(context, 'Obec')) items.push(t('ca:ObecKod', a.municipality.code), t('ca:ObecNazev', a.municipality.name));
      if (answers(context, 'CastObce')) items.push(t('ca:CastObceKod', a.part.code), t('ca:CastObceNazev', a.part.name));
      if (answers(context, 'Ulice') && a.street !== undefined)
        items.push(t('ca:UliceKod', a.street.code), t('ca:UliceNazev', a.street.name));
      if (answers(context, 'Psc')) items.push(t('ca:PostaKod', Number(a.postcode)));
      items.push(t('ca:AdresniMistoKod', a.code));
      if (answers(context, 'CisloDomovni')) items.push(t('ca:TypCislaDomovnihoKod', CISLO_POPISNE), t('ca:CisloDomovni', a.houseNumber));
      if (answers(context, 'CisloOrientacni') && a.orientationNumber !== undefined)
        items.push(t('ca:CisloOrientacni', a.orientationNumber));
      const byItems = format === 'POLOZKOVY' || format === 'VSECHNY' ? x('ca:PolozkovaAdresa', {}, ...items) : '';
      const byLines =
        (format === 'RADKOVY' || format === 'VSECHNY') && answers(context, 'TextAdresy')
          ? x('ca:RadkovaAdresa', {}, ...lines(a.code, a.text))
          : '';
      return reply(OK, x('svc:RuianOdpoved', {}, x('svc:RuianCtiAdresuDataResponse', {}, x('ca:Adresa', {}, byItems, byLines))));
    },
  };
}

/** The address text in up to three lines: the street or part with numbers, the place, the postcode and town. */
function lines(code: number, text: string): string[] {
  const parts = text.split(', ');
  const first = parts[0] ?? text;
  const last = parts.length > 1 ? (parts.at(-1) as string) : undefined;
  const middle = parts.slice(1, -1).join(', ');
  return [
    t('ca:AdresniMistoKod', code),
    t('ca:RadekAdresy1', first),
    ...(middle !== '' ? [t('ca:RadekAdresy2', middle)] : []),
    ...(last !== undefined ? [t(middle !== '' ? 'ca:RadekAdresy3' : 'ca:RadekAdresy2', last)] : []),
  ];
}
