/**
 * All mocks on one HTTP server over one synthetic population: the registers' ISZR services under
 * `/iszr/<service>`, the JSON sources under `/vozidla` and `/rejstrik-trestu` (the vehicle register
 * also over NATS). A control API sets faults at run time (per register or source) and hands out
 * sample identifiers to try.
 */
import { serve, type ServerType } from '@hono/node-server';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Hono } from 'hono';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../contracts/index.ts';
import { serveOverNats } from '../connectors/index.ts';
import { createPopulation, type Population } from './data/population.ts';
import { createFaultInjector, parseFaultConfig, FAULT_HEADER, FaultKind, type FaultConfig, type FaultInjector } from './faults.ts';
import { jsonMock, jsonOperationRunner, problem } from './json-mock.ts';
import { loadMockBundle, type MockBundle } from './mock-bundle.ts';
import { sleep } from './mock-http.ts';
import { rejstrikTrestuHandlers } from './rejstrik-trestu/rejstrik-trestu-mock.ts';
import type { RppSource } from './rpp/rpp-source.ts';
import { vozidlaHandlers } from './vozidla/vozidla-mock.ts';
import { iszrMocks, loadIszrBundles, type IszrService, type UsageSource } from './iszr/index.ts';

/** The registers and sources, each with its own faults: the registers answer over ISZR services (`/iszr/…`). */
export const MOCK_NAMES = ['rob', 'ros', 'ruian', 'rpp', 'vozidla', 'rejstrik-trestu'] as const;
export type MockName = (typeof MOCK_NAMES)[number];
/** The authoritative sources with a JSON contract of their own, each under `/<name>`. */
export const JSON_MOCKS = ['vozidla', 'rejstrik-trestu'] as const;
export type JsonMockName = (typeof JSON_MOCKS)[number];

/** The NATS subject the vehicle register serves by default: `egsb.mock.vozidla.<operation>`. */
export const VOZIDLA_SUBJECT = 'egsb.mock.vozidla';

export interface MocksOptions {
  /** Default 8091; 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Seed of the synthetic data: same seed, same persons. */
  readonly seed?: string;
  readonly persons?: number;
  readonly faults?: Readonly<Partial<Record<MockName, FaultConfig>>>;
  /** Where RPP reads agendas and authorisations. */
  readonly rpp: RppSource;
  /** Where ROB learns who read a person's data (the bus's audit, under `npm start`). */
  readonly usage?: UsageSource;
  /** When set, the vehicle register also serves NATS request/reply; an unreachable server is logged, not fatal. */
  readonly natsUrl?: string;
  /** The subject the vehicle register serves on NATS (default VOZIDLA_SUBJECT): two runs on one NATS need two. */
  readonly natsSubject?: string;
  /** How long a criminal-record extract takes. */
  readonly extractDelayMs?: number;
  /** Agendas whose AIFO index is built at start rather than on the first read. */
  readonly warmAgendas?: readonly string[];
  readonly logger?: Logger;
}

export interface RunningMocks {
  /** `http://host:port`; each mock at `${url}/${name}`. */
  readonly url: string;
  readonly population: Population;
  /** Each mock's bundle, its endpoints pointed at this server. */
  readonly bundles: ReadonlyMap<JsonMockName, MockBundle>;
  /** Each ISZR service's bundle (served under `/iszr/<service>`), its endpoint pointed at this server. */
  readonly iszrBundles: ReadonlyMap<IszrService, MockBundle>;
  readonly faults: ReadonlyMap<MockName, FaultInjector>;
  /** Whether the vehicle register is also on NATS. */
  readonly natsServing: boolean;
  /** The subject it serves there, `<subject>.<operation>`. */
  readonly natsSubject: string;
  close(): Promise<void>;
}

const bundleDir = (name: JsonMockName): string => fileURLToPath(new URL(`./${name}/bundle`, import.meta.url));

export async function startMocks(options: MocksOptions): Promise<RunningMocks> {
  const { port = 8091, host = '127.0.0.1', seed = 'egsb', persons = 10_000, natsSubject = VOZIDLA_SUBJECT, logger } = options;
  const population = createPopulation({ seed, persons });
  for (const agenda of options.warmAgendas ?? []) population.org.warm(agenda);
  const faults = new Map<MockName, FaultInjector>(
    MOCK_NAMES.map((name) => [name, createFaultInjector(`${seed}/${name}`, options.faults?.[name] ?? {})]),
  );

  let app: Hono | undefined;
  const server: ServerType = await new Promise((resolve) => {
    const s = serve(
      { fetch: (req, env) => (app ? app.fetch(req, env) : new Response('starting', { status: 503 })), port, hostname: host },
      () => resolve(s),
    );
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  const bundles = new Map<JsonMockName, MockBundle>();
  let iszrBundles = new Map<IszrService, MockBundle>();
  let nc: NatsConnection | undefined;
  try {
    for (const name of JSON_MOCKS) bundles.set(name, await loadMockBundle(bundleDir(name), url));
    iszrBundles = await loadIszrBundles(url);
    const contract = (name: JsonMockName) => (bundles.get(name) as MockBundle).contract;
    const injector = (name: MockName) => faults.get(name) as FaultInjector;
    const vozidla = vozidlaHandlers(population);

    app = new Hono();
    app.route('/vozidla', jsonMock({ contract: contract('vozidla'), handlers: vozidla, faults: injector('vozidla') }));
    app.route(
      '/rejstrik-trestu',
      jsonMock({
        contract: contract('rejstrik-trestu'),
        handlers: rejstrikTrestuHandlers(population, options.extractDelayMs),
        faults: injector('rejstrik-trestu'),
      }),
    );
    app.route(
      '/iszr',
      iszrMocks({
        bundles: iszrBundles,
        population,
        rpp: options.rpp,
        ...(options.usage ? { usage: options.usage } : {}),
        faults: injector,
      }),
    );
    app.route('/_control', controlApi(population, faults));
    app.get('/healthz', (c) => c.json({ status: 'ok', mocks: MOCK_NAMES }));

    if (options.natsUrl) {
      nc = await connect({ servers: options.natsUrl, timeout: 2000, name: 'egsb-mocks' }).catch((error: unknown) => {
        logger?.warn('NATS not reachable: the vehicle register answers over HTTP only', { nats: options.natsUrl, error: String(error) });
        return undefined;
      });
      if (nc) {
        const run = jsonOperationRunner({ contract: contract('vozidla'), handlers: vozidla });
        const natsFaults = injector('vozidla');
        serveOverNats(
          nc,
          natsSubject,
          async (operation, body, header) => {
            const plan = natsFaults.plan(header(FAULT_HEADER));
            await sleep(plan.delayMs);
            if (plan.fault === FaultKind.DROP || plan.fault === FaultKind.TIMEOUT) return undefined;
            const outcome =
              plan.fault === FaultKind.ERROR
                ? problem(500, 'injected', 'the source failed (injected fault)')
                : await run(operation, body, header, plan.fault);
            return {
              status: outcome.status,
              contentType: outcome.problem ? 'application/problem+json' : 'application/json',
              body: JSON.stringify(outcome.body),
            };
          },
          { onError: (error) => logger?.error('vehicle register over NATS failed', { error }) },
        );
      }
    }
  } catch (error) {
    for (const b of [...bundles.values(), ...iszrBundles.values()]) b.contract.dispose();
    await nc?.close();
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }

  return {
    url,
    population,
    bundles,
    iszrBundles,
    faults,
    natsServing: nc !== undefined,
    natsSubject,
    async close() {
      await nc?.drain().catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      for (const b of [...bundles.values(), ...iszrBundles.values()]) b.contract.dispose();
    },
  };
}

function controlApi(population: Population, faults: ReadonlyMap<MockName, FaultInjector>): Hono {
  const control = new Hono();
  const injectorOf = (name: string): FaultInjector | undefined => faults.get(name as MockName);
  control.get('/faults', (c) => c.json(Object.fromEntries([...faults].map(([name, f]) => [name, f.config]))));
  control.put('/faults/:mock', async (c) => {
    const injector = injectorOf(c.req.param('mock'));
    if (injector === undefined)
      return c.json(problem(404, 'unknown-mock', `no mock ${c.req.param('mock')}; mocks: ${MOCK_NAMES.join(', ')}`).body, 404);
    try {
      injector.configure(parseFaultConfig(await c.req.json()));
    } catch (error) {
      return c.json(problem(400, 'fault-config', (error as Error).message).body, 400);
    }
    return c.json({ mock: c.req.param('mock'), faults: injector.config });
  });
  control.delete('/faults/:mock', (c) => {
    const injector = injectorOf(c.req.param('mock'));
    if (injector === undefined) return c.json(problem(404, 'unknown-mock', `no mock ${c.req.param('mock')}`).body, 404);
    injector.configure({});
    return c.body(null, 204);
  });
  control.get('/sample', (c) => {
    const agenda = c.req.query('agenda') ?? 'A121';
    if (!/^A\d{1,6}$/.test(agenda)) return c.json(problem(400, 'agenda', 'agenda is A + digits').body, 400);
    const count = Math.min(20, Math.max(1, Number(c.req.query('count') ?? '3') || 3));
    const pick = (total: number) => Array.from({ length: Math.min(count, total) }, (_, i) => Math.floor((i * total) / count));
    return c.json({
      agenda,
      persons: pick(population.counts.persons).map((i) => {
        const p = population.person(i);
        return { aifo: population.org.aifoOf(i, agenda), jmeno: p.givenName, prijmeni: p.surname, datumNarozeni: p.birthDate };
      }),
      legalPersons: pick(population.counts.legalPersons).map((i) => ({
        ico: population.legalPerson(i).ico,
        nazev: population.legalPerson(i).name,
      })),
      addressPlaces: pick(population.counts.addressPlaces).map((i) => ({
        kod: population.addressPlace(i).code,
        text: population.addressPlace(i).text,
      })),
      vehicles: pick(population.counts.vehicles).map((i) => ({ vin: population.vehicle(i).vin, rz: population.vehicle(i).plate })),
    });
  });
  return control;
}
