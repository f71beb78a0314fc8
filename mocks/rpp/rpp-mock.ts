/**
 * The RPP mock: an agenda with its roles and exercising OVMs (like ISZR E148, IszrRppVypisOpravneni), and the authorisations
 * of an agenda and role (like E227). An unknown agenda or role is answered inside the contract.
 */
import type { XmlElement } from 'libxml2-wasm';
import { wants, type MockContext } from '../mock-context.ts';
import type { SoapHandler } from '../soap-mock.ts';
import { requiredText } from '../xml-read.ts';
import { OK, VysledekKod, el, odpovedInfoXml, type Status } from '../zr-answer.ts';
import type { RppSource } from './rpp-source.ts';

export const RPP_NS = 'urn:egsb:mock:rpp:v1';

export function rppHandlers(source: RppSource): Readonly<Record<string, SoapHandler>> {
  const answer = (name: string, status: Status, context: MockContext, rest = ''): string =>
    `<rpp:${name} xmlns:rpp="${RPP_NS}">${odpovedInfoXml('rpp', status, context)}${rest}</rpp:${name}>`;

  return {
    async RppCtiAgendu(request: XmlElement, context: MockContext): Promise<string> {
      const code = requiredText(request, 'KodAgendy');
      const agenda = await source.agenda(code);
      if (agenda === undefined)
        return answer(
          'RppCtiAgenduResponse',
          { kod: VysledekKod.CHYBA, subKod: 'AGENDA NEEXISTUJE', popis: `agenda ${code} není v RPP vedena` },
          context,
        );
      const parts = [el('rpp', 'Kod', agenda.code)];
      if (wants(context, 'NazevAgendy')) parts.push(el('rpp', 'Nazev', agenda.name));
      if (wants(context, 'CinnostniRole'))
        parts.push(
          `<rpp:CinnostniRole>${agenda.roles.map((r) => `<rpp:Role>${el('rpp', 'Kod', r.code)}${el('rpp', 'Nazev', r.name)}</rpp:Role>`).join('')}</rpp:CinnostniRole>`,
        );
      if (wants(context, 'VykonavajiciOvm'))
        parts.push(`<rpp:VykonavajiciOvm>${agenda.ovms.map((o) => el('rpp', 'Ovm', o)).join('')}</rpp:VykonavajiciOvm>`);
      return answer('RppCtiAgenduResponse', OK, context, `<rpp:Agenda>${parts.join('')}</rpp:Agenda>`);
    },
    async RppVypisOpravneni(request: XmlElement, context: MockContext): Promise<string> {
      const code = requiredText(request, 'KodAgendy');
      const role = requiredText(request, 'KodRole');
      const agenda = await source.agenda(code);
      if (agenda === undefined)
        return answer(
          'RppVypisOpravneniResponse',
          { kod: VysledekKod.CHYBA, subKod: 'AGENDA NEEXISTUJE', popis: `agenda ${code} není v RPP vedena` },
          context,
        );
      if (!agenda.roles.some((r) => r.code === role)) {
        return answer(
          'RppVypisOpravneniResponse',
          { kod: VysledekKod.CHYBA, subKod: 'ROLE NEEXISTUJE', popis: `činnostní role ${role} do agendy ${code} nepatří` },
          context,
        );
      }
      const list = await source.authorisations(code, role);
      if (list.length === 0)
        return answer(
          'RppVypisOpravneniResponse',
          { kod: VysledekKod.VAROVANI, subKod: 'NENI OPRAVNENI', popis: `agenda ${code} v roli ${role} nemá žádné oprávnění` },
          context,
        );
      const items = wants(context, 'Opravneni')
        ? list
            .map(
              (a) =>
                `<rpp:Opravneni>${el('rpp', 'Id', a.id)}${el('rpp', 'Zdroj', a.source)}${el('rpp', 'Role', a.roles === '*' ? '*' : a.roles.join(' '))}` +
                `${el('rpp', 'Sluzby', a.services === '*' ? '*' : a.services.join(' '))}${el('rpp', 'Udaje', a.dataItems.join(' '))}${el('rpp', 'PravniZaklad', a.legalBasis)}` +
                `${el('rpp', 'PlatnostOd', a.validFrom)}${a.validTo === undefined ? '' : el('rpp', 'PlatnostDo', a.validTo)}</rpp:Opravneni>`,
            )
            .join('')
        : '';
      return answer('RppVypisOpravneniResponse', OK, context, items);
    },
  };
}
