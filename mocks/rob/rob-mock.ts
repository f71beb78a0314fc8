/**
 * The register of persons (ROB) mock: reads a person by the caller's agenda AIFO (like ISZR E03) and
 * finds one by name and birth date (like E05), answering only the wanted data items. Unknown AIFOs and
 * searches that find nobody or several persons are answered inside the contract with ROB's status.
 */
import type { XmlElement } from 'libxml2-wasm';
import type { Population } from '../data/population.ts';
import { requireAgenda, wants, type MockContext } from '../mock-context.ts';
import type { SoapHandler } from '../soap-mock.ts';
import { requiredText } from '../xml-read.ts';
import { OK, VysledekKod, el, odpovedInfoXml, type Status } from '../zr-answer.ts';

export const ROB_NS = 'urn:egsb:mock:rob:v1';

export function robHandlers(population: Population): Readonly<Record<string, SoapHandler>> {
  const answer = (name: string, status: Status, context: MockContext, osoba = ''): string =>
    `<rob:${name} xmlns:rob="${ROB_NS}">${odpovedInfoXml('rob', status, context)}${osoba}</rob:${name}>`;

  const osobaXml = (index: number, aifo: string, context: MockContext): string => {
    const p = population.person(index);
    const parts = [el('rob', 'Aifo', aifo)];
    if (wants(context, 'Jmeno')) parts.push(el('rob', 'Jmeno', p.givenName));
    if (wants(context, 'Prijmeni')) parts.push(el('rob', 'Prijmeni', p.surname));
    if (wants(context, 'DatumNarozeni')) parts.push(el('rob', 'DatumNarozeni', p.birthDate));
    if (wants(context, 'MistoNarozeni'))
      parts.push(`<rob:MistoNarozeni>${el('rob', 'Kod', p.birthPlace.code)}${el('rob', 'Nazev', p.birthPlace.name)}</rob:MistoNarozeni>`);
    if (wants(context, 'DatumUmrti') && p.deathDate !== undefined) parts.push(el('rob', 'DatumUmrti', p.deathDate));
    if (wants(context, 'AdresaPobytu')) {
      const a = population.addressPlace(p.address);
      parts.push(`<rob:AdresaPobytu>${el('rob', 'AdresniMistoKod', a.code)}${el('rob', 'TextAdresy', a.text)}</rob:AdresaPobytu>`);
    }
    if (wants(context, 'Obcanstvi')) parts.push(el('rob', 'Obcanstvi', p.citizenship));
    if (wants(context, 'DatovaSchranka') && p.dataBox !== undefined) parts.push(el('rob', 'DatovaSchranka', p.dataBox));
    return `<rob:Osoba>${parts.join('')}</rob:Osoba>`;
  };

  return {
    RobCtiAifo(request: XmlElement, context: MockContext): string {
      const agenda = requireAgenda(context);
      const aifo = requiredText(request, 'Aifo');
      const person = population.org.personOf(agenda, aifo);
      if (person === undefined) {
        return answer(
          'RobCtiAifoResponse',
          { kod: VysledekKod.CHYBA, subKod: 'AIFO NEEXISTUJE', popis: `AIFO ${aifo} není v agendě ${agenda} známo` },
          context,
        );
      }
      return answer('RobCtiAifoResponse', OK, context, osobaXml(person, aifo, context));
    },
    RobCtiPodleUdaju(request: XmlElement, context: MockContext): string {
      const agenda = requireAgenda(context);
      const found = population.findPersons({
        givenName: requiredText(request, 'Jmeno'),
        surname: requiredText(request, 'Prijmeni'),
        birthDate: requiredText(request, 'DatumNarozeni'),
      });
      if (found.length === 0)
        return answer(
          'RobCtiPodleUdajuResponse',
          { kod: VysledekKod.VAROVANI, subKod: 'OSOBA NENALEZENA', popis: 'zadaným údajům neodpovídá žádná osoba' },
          context,
        );
      if (found.length > 1) {
        return answer(
          'RobCtiPodleUdajuResponse',
          {
            kod: VysledekKod.VAROVANI,
            subKod: 'NALEZENO VICE OSOB',
            popis: `zadaným údajům odpovídá ${found.length} osob; upřesněte dotaz`,
          },
          context,
        );
      }
      const person = found[0] as number;
      return answer('RobCtiPodleUdajuResponse', OK, context, osobaXml(person, population.org.aifoOf(person, agenda), context));
    },
  };
}
