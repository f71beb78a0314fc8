/**
 * The answer header of the basic-register mocks (OdpovedInfo with its Status), written as XML for the
 * SOAP registers and as JSON for the others, and the result codes they use.
 */
import { randomUUID } from 'node:crypto';
import { escapeXml } from '../contracts/index.ts';
import type { MockContext } from './mock-context.ts';

export const VysledekKod = { OK: 'OK', VAROVANI: 'VAROVANI', CHYBA: 'CHYBA' } as const;
export type VysledekKod = (typeof VysledekKod)[keyof typeof VysledekKod];

export interface Status {
  readonly kod: VysledekKod;
  readonly subKod?: string;
  readonly popis?: string;
}

export const OK: Status = { kod: VysledekKod.OK };

/** `<p:OdpovedInfo>` in the prefix `p` of the register's namespace. */
export function odpovedInfoXml(p: string, status: Status, context: MockContext): string {
  const detail =
    status.subKod === undefined
      ? ''
      : `<${p}:VysledekDetail><${p}:VysledekSubKod>${escapeXml(status.subKod)}</${p}:VysledekSubKod>` +
        (status.popis === undefined ? '' : `<${p}:VysledekPopis>${escapeXml(status.popis)}</${p}:VysledekPopis>`) +
        `</${p}:VysledekDetail>`;
  return (
    `<${p}:OdpovedInfo><${p}:CasOdpovedi>${new Date().toISOString()}</${p}:CasOdpovedi>` +
    `<${p}:Status><${p}:VysledekKod>${status.kod}</${p}:VysledekKod>${detail}</${p}:Status>` +
    (context.requestId === undefined ? '' : `<${p}:AgendaZadostId>${escapeXml(context.requestId.slice(0, 1024))}</${p}:AgendaZadostId>`) +
    `<${p}:RegOdpovedId>${randomUUID()}</${p}:RegOdpovedId></${p}:OdpovedInfo>`
  );
}

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

/** `<p:Name>text</p:Name>`, escaped. */
export function el(p: string, name: string, text: string | number): string {
  return `<${p}:${name}>${typeof text === 'number' ? text : escapeXml(text)}</${p}:${name}>`;
}
