/**
 * The register of persons in law (ROS) mock: a legal person by IČO (like ISZR E20). An IČO with a
 * wrong check digit or one nobody holds is answered with ROS's own status.
 */
import type { XmlElement } from 'libxml2-wasm';
import { isValidIco } from '../data/ico.ts';
import type { Population } from '../data/population.ts';
import { wants, type MockContext } from '../mock-context.ts';
import type { SoapHandler } from '../soap-mock.ts';
import { requiredText } from '../xml-read.ts';
import { OK, VysledekKod, el, odpovedInfoXml, type Status } from '../zr-answer.ts';

export const ROS_NS = 'urn:egsb:mock:ros:v1';

export function rosHandlers(population: Population): Readonly<Record<string, SoapHandler>> {
  const answer = (status: Status, context: MockContext, subjekt = ''): string =>
    `<ros:RosCtiIcoResponse xmlns:ros="${ROS_NS}">${odpovedInfoXml('ros', status, context)}${subjekt}</ros:RosCtiIcoResponse>`;

  return {
    RosCtiIco(request: XmlElement, context: MockContext): string {
      const ico = requiredText(request, 'Ico');
      if (!isValidIco(ico))
        return answer({ kod: VysledekKod.CHYBA, subKod: 'ICO NEPLATNE', popis: `IČO ${ico} nemá platnou kontrolní číslici` }, context);
      const index = population.legalByIco(ico);
      if (index === undefined)
        return answer({ kod: VysledekKod.CHYBA, subKod: 'ICO NEEXISTUJE', popis: `osoba s IČO ${ico} není v ROS vedena` }, context);
      const lp = population.legalPerson(index);
      const parts = [el('ros', 'Ico', lp.ico)];
      if (wants(context, 'ObchodniNazev')) parts.push(el('ros', 'ObchodniNazev', lp.name));
      if (wants(context, 'PravniForma'))
        parts.push(`<ros:PravniForma>${el('ros', 'Kod', lp.legalForm.code)}${el('ros', 'Nazev', lp.legalForm.name)}</ros:PravniForma>`);
      if (wants(context, 'DatumVzniku')) parts.push(el('ros', 'DatumVzniku', lp.established));
      if (wants(context, 'AdresaSidla')) {
        const a = population.addressPlace(lp.address);
        parts.push(`<ros:AdresaSidla>${el('ros', 'AdresniMistoKod', a.code)}${el('ros', 'TextAdresy', a.text)}</ros:AdresaSidla>`);
      }
      if (wants(context, 'DatovaSchranka')) parts.push(el('ros', 'DatovaSchranka', lp.dataBox));
      if (wants(context, 'StatutarniOrgany') && lp.statutoryBody.length > 0) {
        const members = lp.statutoryBody.map(({ role, person }) => {
          const p = population.person(person);
          const aifo = context.agenda === undefined ? '' : el('ros', 'Aifo', population.org.aifoOf(person, context.agenda));
          return `<ros:Clen>${el('ros', 'Funkce', role)}${aifo}${el('ros', 'Jmeno', p.givenName)}${el('ros', 'Prijmeni', p.surname)}</ros:Clen>`;
        });
        parts.push(`<ros:StatutarniOrgan>${members.join('')}</ros:StatutarniOrgan>`);
      }
      return answer(OK, context, `<ros:Subjekt>${parts.join('')}</ros:Subjekt>`);
    },
  };
}
