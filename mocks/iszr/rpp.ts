/**
 * RPP behind ISZR service E227 (IszrVypisOpravneniPolozky): the data items a role of an agenda may
 * read, taken from the authorisations the bus enforces (valid today), for an OVM that performs it.
 */
import type { XmlElement } from 'libxml2-wasm';
import type { MockContext } from '../mock-context.ts';
import type { RppAgenda, RppAuthorisation, RppSource } from '../rpp/rpp-source.ts';
import type { SoapHandler } from '../soap-mock.ts';
import {
  IszrNs,
  OK,
  SubKod,
  VysledekKod,
  answerRoot,
  child,
  odpovedInfo,
  registerStatus,
  t,
  text,
  x,
  type IszrStatus,
  type RegisterStatus,
  zadostData,
} from './iszr-message.ts';

export function iszrRppHandlers(
  rpp: RppSource,
  today: () => string = () => new Date().toISOString().slice(0, 10),
): Readonly<Record<string, SoapHandler>> {
  return {
    async IszrVypisOpravneniPolozky(request: XmlElement, context: MockContext): Promise<string> {
      const service = 'IszrVypisOpravneniPolozky';
      const data = zadostData(request, service, 'IszrVypisOpravneniPolozkyData');
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
              registerStatus('iszd:IszrAplikacniStatus', 'iszr', 'VysledekIszrKodType', {
                kod: iszr.kod,
                ...(iszr.popis === undefined ? {} : { subKod: 'SPECIFIKACE V POPISU', popis: iszr.popis }),
              }),
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

/** Today's authorisations of an agenda's role, written as RPP's description of what an AIS may read. */
function scopeOf(authorisations: readonly RppAuthorisation[], today: string): string | undefined {
  const valid = authorisations.filter((a) => a.validFrom <= today && (a.validTo === undefined || a.validTo >= today));
  if (valid.length === 0) return undefined;
  return valid
    .map((a) => `${a.source}: ${a.dataItems.join(' ')} (${a.legalBasis})`)
    .join('; ')
    .slice(0, 2000);
}

/**
 * RPP behind ISZR service E148 (IszrRppVypisOpravneni): for an agenda (or every agenda an OVM
 * performs, or one agenda of one OVM), its activity roles and, under each, the AIS that serve the
 * agenda with what the bus's authorisations let that role read. The bus keeps no validity for an
 * agenda: the mock gives the earliest start of its authorisations (or the date asked).
 */
export function iszrRppAgendaHandlers(
  rpp: RppSource,
  today: () => string = () => new Date().toISOString().slice(0, 10),
): Readonly<Record<string, SoapHandler>> {
  return {
    async IszrRppVypisOpravneni(request: XmlElement, context: MockContext): Promise<string> {
      const service = 'IszrRppVypisOpravneni';
      const data = zadostData(request, service, 'RppVypisOpravneniData');
      const full = child(data, IszrNs.RPP_DATA, 'KompletniIdentifikace');
      const agendaAsked = text(full ?? data, full ? IszrNs.RPP_TYPES : IszrNs.RPP_DATA, 'KodAgendy');
      const dateAsked = text(full ?? data, full ? IszrNs.RPP_TYPES : IszrNs.RPP_DATA, 'DatumPlatnostiAgendyOd');
      const ovm = text(full ?? data, full ? IszrNs.RPP_TYPES : IszrNs.RPP_DATA, 'KodOvm');
      const now = today();
      const reply = (status: IszrStatus, rppStatus: RegisterStatus, agendas = ''): string =>
        answerRoot(
          service,
          'RppVypisOpravneniResponse',
          ['pdo', 'rpp'],
          odpovedInfo(status, context.requestId as string),
          x(
            'svc:RppOdpoved',
            {},
            x('svc:RppVypisOpravneniDataResponse', {}, registerStatus('pdo:AplikacniStatus', 'rpp', 'VysledekKod', rppStatus), agendas),
          ),
        );

      let codes: string[];
      if (agendaAsked !== undefined) codes = [agendaAsked];
      else {
        const all = await Promise.all((await rpp.agendaCodes()).map((c) => rpp.agenda(c)));
        codes = all.filter((a): a is RppAgenda => a !== undefined && a.ovms.includes(ovm as string)).map((a) => a.code);
      }
      const agendas = (await Promise.all(codes.map((c) => rpp.agenda(c)))).filter((a): a is RppAgenda => a !== undefined);
      if (agendaAsked !== undefined && agendas.length === 0) {
        const popis = `agenda ${agendaAsked} není v RPP`;
        return reply(
          { kod: VysledekKod.CHYBA, subKod: SubKod.NENALEZENO, popis },
          { kod: VysledekKod.CHYBA, subKod: 'NEPOVOLENY KOD AGENDY', popis },
        );
      }
      if (ovm !== undefined && agendas.every((a) => !a.ovms.includes(ovm))) {
        const popis = agendaAsked === undefined ? `OVM ${ovm} nevykonává žádnou agendu` : `OVM ${ovm} agendu ${agendaAsked} nevykonává`;
        return reply(
          { kod: VysledekKod.VAROVANI, subKod: SubKod.NENALEZENO, popis },
          { kod: VysledekKod.VAROVANI, subKod: 'PRAZDNY SEZNAM', popis },
        );
      }
      const aisList = await rpp.aisList();
      const written: string[] = [];
      for (const agenda of agendas) {
        const readers = aisList.filter((a) => a.agendas.includes(agenda.code) && (ovm === undefined || a.actsFor.includes(ovm)));
        let earliest: string | undefined;
        const roles: string[] = [];
        for (const role of agenda.roles) {
          const authorisations = await rpp.authorisations(agenda.code, role.code);
          for (const a of authorisations) if (earliest === undefined || a.validFrom < earliest) earliest = a.validFrom;
          const scope = scopeOf(authorisations, now);
          const ais = readers.map((a) => x('pdo:Ais', {}, t('pdo:Kod', a.id), scope === undefined ? '' : t('pdo:Opravneni', scope)));
          roles.push(
            x(
              'pdo:CinnostAgendyPusobnostiOvm',
              {},
              t('pdo:KodCinnostiAgendy', role.code),
              ais.length === 0 ? '' : x('pdo:SeznamAis', {}, ...ais),
            ),
          );
        }
        written.push(
          x(
            'pdo:Agenda',
            {},
            t('rpp:Kod', agenda.code),
            t('rpp:Nazev', agenda.name.slice(0, 300)),
            t('rpp:DatumPlatnostiOd', earliest ?? dateAsked ?? now),
            roles.length === 0 ? '' : x('pdo:SeznamCinnosti', {}, ...roles),
          ),
        );
      }
      return reply(OK, { kod: VysledekKod.OK }, written.join(''));
    },
  };
}
