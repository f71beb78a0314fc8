/** The RUIAN mock: an address place by its code (like ISZR E36); an unknown code is ADRESA NEEXISTUJE. */
import type { XmlElement } from 'libxml2-wasm';
import type { CodeName, Population } from '../data/population.ts';
import { wants, type MockContext } from '../mock-context.ts';
import type { SoapHandler } from '../soap-mock.ts';
import { requiredText } from '../xml-read.ts';
import { OK, VysledekKod, el, odpovedInfoXml, type Status } from '../zr-answer.ts';

export const RUIAN_NS = 'urn:egsb:mock:ruian:v1';

export function ruianHandlers(population: Population): Readonly<Record<string, SoapHandler>> {
  const answer = (status: Status, context: MockContext, place = ''): string =>
    `<ruian:RuianCtiAdresuResponse xmlns:ruian="${RUIAN_NS}">${odpovedInfoXml('ruian', status, context)}${place}</ruian:RuianCtiAdresuResponse>`;
  const codeName = (name: string, value: CodeName): string =>
    `<ruian:${name}>${el('ruian', 'Kod', value.code)}${el('ruian', 'Nazev', value.name)}</ruian:${name}>`;

  return {
    RuianCtiAdresu(request: XmlElement, context: MockContext): string {
      const code = Number(requiredText(request, 'AdresniMistoKod'));
      const index = population.addressByCode(code);
      if (index === undefined)
        return answer({ kod: VysledekKod.CHYBA, subKod: 'ADRESA NEEXISTUJE', popis: `adresní místo ${code} v RUIAN není` }, context);
      const a = population.addressPlace(index);
      const parts = [el('ruian', 'Kod', a.code)];
      if (wants(context, 'Obec')) parts.push(codeName('Obec', a.municipality));
      if (wants(context, 'CastObce')) parts.push(codeName('CastObce', a.part));
      if (wants(context, 'Ulice') && a.street !== undefined) parts.push(codeName('Ulice', a.street));
      if (wants(context, 'CisloDomovni')) parts.push(el('ruian', 'CisloDomovni', a.houseNumber));
      if (wants(context, 'CisloOrientacni') && a.orientationNumber !== undefined)
        parts.push(el('ruian', 'CisloOrientacni', a.orientationNumber));
      if (wants(context, 'Psc')) parts.push(el('ruian', 'Psc', a.postcode));
      if (wants(context, 'TextAdresy')) parts.push(el('ruian', 'TextAdresy', a.text));
      return answer(OK, context, `<ruian:AdresniMisto>${parts.join('')}</ruian:AdresniMisto>`);
    },
  };
}
