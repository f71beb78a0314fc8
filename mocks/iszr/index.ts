/**
 * Register mocks that speak the ISZR interface: one SOAP 1.1 service per WSDL, as ISZR publishes
 * them, with the project's own contracts (`bundle/`) in the interface's namespaces and shapes, so an
 * AIS built against the state's WSDLs calls them through egsb with only the address changed.
 */
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { Population } from '../data/population.ts';
import type { FaultInjector } from '../faults.ts';
import { loadMockBundle, type MockBundle } from '../mock-bundle.ts';
import { soapMock, type SoapHandler } from '../soap-mock.ts';
import { iszrContext } from './iszr-message.ts';
import { iszrChangeHandlers, iszrRobHandlers, iszrUsageHandlers } from './rob.ts';
import type { UsageSource } from './usage.ts';
import { iszrRppAgendaHandlers, iszrRppHandlers } from './rpp.ts';
import { iszrRuianHandlers } from './ruian.ts';
import { iszrRosHandlers, iszrRosSearchHandlers } from './ros.ts';
import type { RppSource } from '../rpp/rpp-source.ts';

/** The ISZR services the mocks serve, each with the register whose faults it shares. */
export const ISZR_SERVICES = {
  IszrRobCtiAifo: 'rob',
  IszrRobCtiPodleUdaju: 'rob',
  IszrRobVypisVyuzitiPoskytnuti: 'rob',
  IszrRobCtiZmeny: 'rob',
  IszrRosCtiIco: 'ros',
  IszrRosCtiPodleUdaju: 'ros',
  IszrRuianCtiAdresu: 'ruian',
  IszrRppVypisOpravneni: 'rpp',
  IszrVypisOpravneniPolozky: 'rpp',
} as const;
export type IszrService = keyof typeof ISZR_SERVICES;
export type IszrRegister = (typeof ISZR_SERVICES)[IszrService];

/** The folder that holds every ISZR service's WSDL, schemas and `<service>.manifest.json`. */
export const ISZR_BUNDLE_DIR = fileURLToPath(new URL('./bundle', import.meta.url));

export async function loadIszrBundles(origin: string): Promise<Map<IszrService, MockBundle>> {
  const bundles = new Map<IszrService, MockBundle>();
  for (const service of Object.keys(ISZR_SERVICES) as IszrService[])
    bundles.set(service, await loadMockBundle(ISZR_BUNDLE_DIR, origin, `${service}.manifest.json`));
  return bundles;
}

export interface IszrMocksOptions {
  readonly bundles: ReadonlyMap<IszrService, MockBundle>;
  readonly population: Population;
  /** Where RPP reads agendas and authorisations. */
  readonly rpp: RppSource;
  /** Where ROB learns who read a person's data (the bus's audit); absent, it says it cannot tell. */
  readonly usage?: UsageSource;
  readonly faults: (register: IszrRegister) => FaultInjector;
}

/** Every ISZR service under `/<service>`. */
export function iszrMocks({ bundles, population, rpp, usage, faults }: IszrMocksOptions): Hono {
  const handlers: Readonly<Record<string, SoapHandler>> = {
    ...iszrRobHandlers(population),
    ...iszrUsageHandlers(population, usage),
    ...iszrChangeHandlers(population),
    ...iszrRosHandlers(population),
    ...iszrRosSearchHandlers(population),
    ...iszrRuianHandlers(population),
    ...iszrRppHandlers(rpp),
    ...iszrRppAgendaHandlers(rpp),
  };
  const app = new Hono();
  for (const [service, register] of Object.entries(ISZR_SERVICES) as [IszrService, IszrRegister][]) {
    const bundle = bundles.get(service);
    if (bundle === undefined) throw new Error(`no bundle for ${service}`);
    const handler = handlers[service];
    if (handler === undefined) throw new Error(`no handler for ${service}`);
    app.route(
      `/${service}`,
      soapMock({ contract: bundle.contract, handlers: { [service]: handler }, faults: faults(register), readContext: iszrContext }),
    );
  }
  return app;
}

export { IszrNs } from './iszr-message.ts';
export type { UsageSource, SubjectRead } from './usage.ts';
