/**
 * The answer header of the JSON authoritative-source mocks, modelled on ISZR's OdpovedInfo with its
 * Status, and the result codes they use (the ISZR-shaped registers write theirs in iszr/).
 */
import { randomUUID } from 'node:crypto';
import type { MockContext } from './mock-context.ts';

export const VysledekKod = { OK: 'OK', VAROVANI: 'VAROVANI', CHYBA: 'CHYBA' } as const;
export type VysledekKod = (typeof VysledekKod)[keyof typeof VysledekKod];

export interface Status {
  readonly kod: VysledekKod;
  readonly subKod?: string;
  readonly popis?: string;
}

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
