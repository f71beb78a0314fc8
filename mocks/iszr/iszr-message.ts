/**
 * The ISZR message skeleton the register mocks read and write: the caller's context from ZadostInfo
 * and AutorizaceInfo, the AIFO map (MapaAifo/PrevodAifo: local numbers in the data part, the agenda's
 * AIFOs in the map), and the answer header OdpovedInfo with ISZR's result codes and sub-codes.
 */
import { randomUUID } from 'node:crypto';
import type { XmlElement } from 'libxml2-wasm';
import { elementChildren, escapeXml } from '../../contracts/index.ts';
import type { MockContext } from '../mock-context.ts';

export const IszrNs = {
  ABSTRACT: 'urn:cz:isvs:iszr:schemas:IszrAbstract:v1',
  REG: 'urn:cz:isvs:reg:schemas:RegTypy:v1',
  ROB_DATA: 'urn:cz:isvs:rob:schemas:RobDotazyData:v1',
  ROB_TYPES: 'urn:cz:isvs:rob:schemas:RobTypy:v1',
  RUIAN_ADDRESS: 'urn:cz:isvs:ruian:schemas:CtiAdresa:v1',
  ROS_DATA: 'urn:cz:isvs:ros:schemas:RosDotazyData:v2',
  ROS_QUERY_TYPES: 'urn:cz:isvs:ros:schemas:RosDotazyTypy:v1',
  ROS_TYPES: 'urn:cz:isvs:ros:schemas:RosTypy:v2',
  ROS_EDIT_TYPES: 'urn:cz:isvs:ros:schemas:RosEditaceTypy:v1',
  ISZR_TYPES: 'urn:cz:isvs:iszr:schemas:IszrTypy:v1',
  ISZR_DATA: 'urn:cz:isvs:iszr:schemas:IszrDotazyData:v1',
  ITEM_RIGHTS: 'urn:cz:isvs:iszr:schemas:IszrDataVypisOpravneniPolozky:v1',
  RPP_DATA: 'urn:cz:isvs:rpp:schemas:RppDotazyData:v1',
  RPP_TYPES: 'urn:cz:isvs:rpp:schemas:RppTypy:v1',
  service: (name: string): string => `urn:cz:isvs:iszr:schemas:${name}:v1`,
} as const;

/** The prefixes the answers use: `svc` (the service's own namespace), `abs` and `reg` on every answer. */
export const PREFIXES = {
  abs: IszrNs.ABSTRACT,
  reg: IszrNs.REG,
  rod: IszrNs.ROB_DATA,
  rob: IszrNs.ROB_TYPES,
  ca: IszrNs.RUIAN_ADDRESS,
  sdo: IszrNs.ROS_DATA,
  dot: IszrNs.ROS_QUERY_TYPES,
  ros: IszrNs.ROS_TYPES,
  edi: IszrNs.ROS_EDIT_TYPES,
  iszr: IszrNs.ISZR_TYPES,
  iszd: IszrNs.ISZR_DATA,
  i33: IszrNs.ITEM_RIGHTS,
  pdo: IszrNs.RPP_DATA,
  rpp: IszrNs.RPP_TYPES,
} as const;
export type Prefix = keyof typeof PREFIXES;

export const VysledekKod = { OK: 'OK', VAROVANI: 'VAROVANI', CHYBA: 'CHYBA' } as const;
export type VysledekKod = (typeof VysledekKod)[keyof typeof VysledekKod];

/** ISZR's result sub-codes the mocks use (the interface's list has more). */
export const SubKod = {
  AIFO_NEEXISTUJE: 'AIFO NEEXISTUJE',
  ADRESA_NEEXISTUJE: 'ADRESA NEEXISTUJE',
  NENALEZENO: 'NENALEZENO',
  NEVALIDNI_ZADOST: 'NEVALIDNI ZADOST',
  APLIKACNI_CHYBA: 'APLIKACNI CHYBA',
  PREKROCEN_SEZNAM: 'PREKROCEN SEZNAM',
  PROBIHA_ZPRACOVANI: 'PROBIHA ZPRACOVANI',
  NENI_IMPLEMENTOVANO: 'NENI IMPLEMENTOVANO',
  NENI_K_DISPOZICI: 'NENI K DISPOZICI',
} as const;
export type SubKod = (typeof SubKod)[keyof typeof SubKod];

export interface IszrStatus {
  readonly kod: VysledekKod;
  readonly subKod?: SubKod;
  readonly popis?: string;
}

export const OK: IszrStatus = { kod: VysledekKod.OK };

/** One element: `name` is `prefix:local`; attributes with undefined values are left out; text is escaped. */
export function x(name: string, attributes: Readonly<Record<string, string | number | boolean | undefined>>, ...content: string[]): string {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  return content.length === 0 ? `<${name}${attrs}/>` : `<${name}${attrs}>${content.join('')}</${name}>`;
}

/** An element holding text. */
export function t(name: string, text: string | number, attributes: Readonly<Record<string, string | number | undefined>> = {}): string {
  return x(name, attributes, typeof text === 'number' ? String(text) : escapeXml(text));
}

/** The answer's root, declaring the service's namespace, `abs`, `reg` and the other prefixes its parts use. */
export function answerRoot(service: string, element: string, uses: readonly Prefix[], ...content: string[]): string {
  const declarations = [`svc="${IszrNs.service(service)}"`, ...(['abs', 'reg', ...uses] as const).map((p) => `${p}="${PREFIXES[p]}"`)]
    .map((d) => ` xmlns:${d}`)
    .join('');
  return `<svc:${element}${declarations}>${content.join('')}</svc:${element}>`;
}

/** `abs:OdpovedInfo`: the time, the status, the caller's request id echoed, and the register's answer id. */
export function odpovedInfo(status: IszrStatus, requestId: string, iszrRequestId?: string): string {
  const detail =
    status.subKod === undefined
      ? ''
      : x(
          'reg:VysledekDetail',
          {},
          t('reg:VysledekSubKod', status.subKod),
          status.popis === undefined ? '' : t('reg:VysledekPopis', status.popis.slice(0, 1024)),
        );
  return x(
    'abs:OdpovedInfo',
    {},
    t('reg:CasOdpovedi', new Date().toISOString()),
    x('reg:Status', {}, t('reg:VysledekKod', status.kod), detail),
    t('reg:AgendaZadostId', requestId),
    iszrRequestId === undefined ? '' : t('reg:IszrZadostId', iszrRequestId),
    t('reg:RegOdpovedId', randomUUID()),
  );
}

/** A register's own status inside its data part. */
export interface RegisterStatus {
  readonly kod: VysledekKod;
  readonly subKod?: string;
  readonly popis?: string;
}

/**
 * The register's status element (`element`), its result code under `codeName` and any detail, the
 * children in the register's prefix: ROB, ROS, RPP and ISZR each name the code element their own way.
 */
export function registerStatus(element: string, prefix: Prefix, codeName: string, status: RegisterStatus): string {
  const detail =
    status.subKod === undefined
      ? ''
      : x(
          `${prefix}:VysledekDetail`,
          {},
          t(`${prefix}:VysledekSubKod`, status.subKod),
          status.popis === undefined ? '' : t(`${prefix}:VysledekPopis`, status.popis.slice(0, 1024)),
        );
  return x(element, {}, t(`${prefix}:${codeName}`, status.kod), detail);
}

/** A child by namespace and local name. */
export function child(parent: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  if (parent === undefined) return undefined;
  return elementChildren(parent).find((e) => e.name === name && e.namespaceUri === ns);
}

/** The request's data element (`svc:Zadost/svc:<element>`), in the service's own namespace. */
export function zadostData(request: XmlElement, service: string, element: string): XmlElement | undefined {
  const ns = IszrNs.service(service);
  return child(child(request, ns, 'Zadost'), ns, element);
}

export function children(parent: XmlElement | undefined, ns: string, name: string): XmlElement[] {
  if (parent === undefined) return [];
  return elementChildren(parent).filter((e) => e.name === name && e.namespaceUri === ns);
}

export function text(parent: XmlElement | undefined, ns: string, name: string): string | undefined {
  return child(parent, ns, name)?.content.trim();
}

/** The request's context as the mock context reads it: ZadostInfo's fields and the items wanted. */
export function iszrContext(payload: XmlElement): Partial<Record<keyof MockContext, string>> {
  const info = child(payload, IszrNs.ABSTRACT, 'ZadostInfo');
  const items = child(child(payload, IszrNs.ABSTRACT, 'AutorizaceInfo'), IszrNs.ABSTRACT, 'SeznamUdaju');
  const fields: Partial<Record<keyof MockContext, string | undefined>> = {
    agenda: text(info, IszrNs.REG, 'Agenda'),
    role: text(info, IszrNs.REG, 'AgendovaRole'),
    ovm: text(info, IszrNs.REG, 'Ovm'),
    userId: text(info, IszrNs.REG, 'Uzivatel'),
    purpose: text(info, IszrNs.REG, 'DuvodUcel'),
    requestId: text(info, IszrNs.REG, 'AgendaZadostId'),
    dataItems: items?.content,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<Record<keyof MockContext, string>>;
}

/** Whether an ISZR answer carries an item: all the caller may see when it named none, as ISZR answers. */
export function answers(context: MockContext, item: string): boolean {
  return context.dataItems === undefined || context.dataItems.has(item);
}

/** One entry of a request's AIFO map: the local number the data part uses and the agenda's AIFO. */
export interface AifoMapping {
  readonly local: number;
  readonly global?: string;
  /** An agenda other than the caller's, when the entry names one. */
  readonly agenda?: string;
}

export function readMapaAifo(payload: XmlElement): AifoMapping[] {
  return children(child(payload, IszrNs.ABSTRACT, 'MapaAifo'), IszrNs.REG, 'PrevodAifo').map((p) => {
    const global = text(p, IszrNs.REG, 'GlobalniAifo');
    const agenda = p.attr('agenda')?.value;
    return {
      local: Number(text(p, IszrNs.REG, 'LokalniAifo')),
      ...(global !== undefined ? { global } : {}),
      ...(agenda !== undefined ? { agenda } : {}),
    };
  });
}

/** `abs:MapaAifo` of an answer: each local number with its AIFO, or with the reason it has none. */
export function mapaAifo(entries: readonly { local: number; global?: string; status?: string }[]): string {
  if (entries.length === 0) return '';
  return x(
    'abs:MapaAifo',
    {},
    ...entries.map((e) =>
      x(
        'reg:PrevodAifo',
        {},
        t('reg:LokalniAifo', e.local, { prevodAifoStatus: e.status }),
        e.global === undefined ? '' : t('reg:GlobalniAifo', e.global),
      ),
    ),
  );
}

/** `abs:SeznamIdAdres` naming the address places an answer refers to. */
export function seznamIdAdres(codes: readonly number[]): string {
  const unique = [...new Set(codes)];
  return unique.length === 0 ? '' : x('abs:SeznamIdAdres', {}, ...unique.map((c) => t('reg:AdresniMisto', c)));
}
