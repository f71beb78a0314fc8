/**
 * RPP behind ISZR service E227 (IszrVypisOpravneniPolozky): the data items a role of an agenda may
 * read, taken from the authorisations the bus enforces (valid today), for an OVM that performs it.
 */
import type { XmlElement } from 'libxml2-wasm';
import type { MockContext } from '../mock-context.ts';
import type { RppSource } from '../rpp/rpp-source.ts';
import type { SoapHandler } from '../soap-mock.ts';
import { IszrNs, OK, SubKod, VysledekKod, answerRoot, child, odpovedInfo, t, text, x, type IszrStatus } from './iszr-message.ts';

export function iszrRppHandlers(
  rpp: RppSource,
  today: () => string = () => new Date().toISOString().slice(0, 10),
): Readonly<Record<string, SoapHandler>> {
  return {
    async IszrVypisOpravneniPolozky(request: XmlElement, context: MockContext): Promise<string> {
      const service = 'IszrVypisOpravneniPolozky';
      const ns = IszrNs.service(service);
      const data = child(child(request, ns, 'Zadost'), ns, 'IszrVypisOpravneniPolozkyData');
      const agendaCode = text(data, IszrNs.ITEM_RIGHTS, 'Agenda') as string;
      const role = text(data, IszrNs.ITEM_RIGHTS, 'AgendovaRole') as string;
      const ovm = text(data, IszrNs.ITEM_RIGHTS, 'Ovm') as string;
      const reply = (status: IszrStatus, iszr: IszrStatus, items: string[] = []): string =>
        answerRoot(
          service,
          'IszrVypisOpravneniPolozkyResponse',
          ['iszr', 'iszd', 'i33'],
          odpovedInfo(status, context.requestId as string),
          x(
            'svc:IszrOdpoved',
            {},
            x(
              'svc:IszrVypisOpravneniPolozkyDataResponse',
              {},
              x(
                'iszd:IszrAplikacniStatus',
                {},
                t('iszr:VysledekIszrKodType', iszr.kod),
                iszr.popis === undefined
                  ? ''
                  : x('iszr:VysledekDetail', {}, t('iszr:VysledekSubKod', 'SPECIFIKACE V POPISU'), t('iszr:VysledekPopis', iszr.popis)),
              ),
              ...items,
            ),
          ),
        );
      const notFound = (popis: string): string =>
        reply({ kod: VysledekKod.VAROVANI, subKod: SubKod.NENALEZENO, popis }, { kod: VysledekKod.VAROVANI, popis });

      const agenda = await rpp.agenda(agendaCode);
      if (agenda === undefined) return notFound(`agenda ${agendaCode} není v RPP`);
      if (!agenda.roles.some((r) => r.code === role)) return notFound(`agenda ${agendaCode} nemá činnostní roli ${role}`);
      if (!agenda.ovms.includes(ovm)) return notFound(`OVM ${ovm} agendu ${agendaCode} nevykonává`);
      const now = today();
      const items = new Map<string, string>();
      for (const a of await rpp.authorisations(agendaCode, role)) {
        if (a.validFrom > now || (a.validTo !== undefined && a.validTo < now)) continue;
        for (const item of a.dataItems) items.set(`${a.source}.${item}`, item);
      }
      const polozky = [...items]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([rppCode, item]) => x('i33:Polozka', {}, t('i33:KodIszr', item), t('i33:KodRpp', rppCode)));
      return reply(OK, { kod: VysledekKod.OK }, polozky);
    },
  };
}
