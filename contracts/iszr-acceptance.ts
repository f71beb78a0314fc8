/**
 * ISZR's acceptance of an asynchronous call: an ordinary answer of the operation holding only
 * OdpovedInfo, whose IszrZadostId names the ticket. A service of the ISZR interface opts in with the
 * manifest's `asyncAnswer: "iszr"`; publishing checks that this answer fits each operation's contract.
 */
import { escapeXml } from './errors.ts';
import type { QName } from './types.ts';

const ISZR_ABSTRACT_NS = 'urn:cz:isvs:iszr:schemas:IszrAbstract:v1';
const ISZR_REG_NS = 'urn:cz:isvs:reg:schemas:RegTypy:v1';

/** The answer element (no envelope) accepting the call `requestId` as `ticket` at `at`. */
export function iszrAcceptanceXml(element: QName, requestId: string, ticket: string, at: Date): string {
  return (
    `<svc:${element.name} xmlns:svc="${escapeXml(element.namespace)}" xmlns:abs="${ISZR_ABSTRACT_NS}" xmlns:reg="${ISZR_REG_NS}">` +
    `<abs:OdpovedInfo><reg:CasOdpovedi>${at.toISOString()}</reg:CasOdpovedi><reg:Status><reg:VysledekKod>OK</reg:VysledekKod></reg:Status>` +
    `<reg:AgendaZadostId>${escapeXml(requestId)}</reg:AgendaZadostId><reg:IszrZadostId>${escapeXml(ticket)}</reg:IszrZadostId></abs:OdpovedInfo>` +
    `</svc:${element.name}>`
  );
}
