/**
 * The answer header of the JSON authoritative-source mocks, modelled on ISZR's OdpovedInfo with its
 * Status, and the result codes they use (the ISZR-shaped registers write theirs in iszr/).
 */
import { randomUUID } from 'node:crypto';
import { VysledekKod, type RegisterStatus } from './iszr/iszr-message.ts';
import type { MockContext } from './mock-context.ts';

export { VysledekKod };
/** A result code with an optional sub-code and description (the JSON sources' sub-codes are their own). */
export type Status = RegisterStatus;

export const OK: Status = { kod: VysledekKod.OK };

/** The same header for JSON answers. */
export function odpovedInfoJson(status: Status, context: MockContext): Record<string, unknown> {
  return {
    casOdpovedi: new Date().toISOString(),
    status: {
      vysledekKod: status.kod,
      ...(status.subKod === undefined ? {} : { vysledekSubKod: status.subKod }),
      ...(status.popis === undefined ? {} : { vysledekPopis: status.popis }),
    },
    ...(context.requestId === undefined ? {} : { agendaZadostId: context.requestId.slice(0, 1024) }),
    regOdpovedId: randomUUID(),
  };
}
