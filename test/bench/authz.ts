/**
 * `npm run bench:authz` (not part of `npm test`): the authorisation decision (registry checks, legal
 * engine, effective items) with 10,000 AIS, 1,000 agendas and up to 100,000 authorisations, at three
 * sizes to show that the decision time does not grow with the number of authorisations; and the
 * memory the index takes.
 */
import { type AuthorisationRequest, authoriseCall, createLegalEngine } from '../../bus/authorisation/index.ts';
import {
  ALL,
  type Authorisation,
  createAuthorisationIndex,
  type RegistrySnapshot,
  type RegistryView,
  type ServiceVersion,
} from '../../bus/registry/index.ts';
import type { Manifest } from '../../contracts/index.ts';
import { createRandom } from '../../mocks/data/random.ts';

const AGENDAS = 1000;
const ROLES_PER_AGENDA = 5;
const AIS = 10_000;
const SOURCES = ['ROB', 'ROS', 'RUIAN', 'RPP', 'RSV', 'RT'];
const ITEMS = Array.from({ length: 40 }, (_, i) => `Udaj${i}`);
const SERVICES = SOURCES.flatMap((source, s) => Array.from({ length: 5 }, (_, k) => ({ code: `svc-${s}-${k}`, source })));
const CALLS = 200_000;

function snapshotWith(count: number, seed: string): RegistrySnapshot {
  const random = createRandom(seed);
  const list: Authorisation[] = [];
  for (let i = 0; i < count; i++) {
    const agenda = `A${1 + random.below(AGENDAS)}`;
    const source = random.pick(SOURCES);
    list.push({
      id: `a${i}`,
      agenda,
      roles: random.chance(0.2) ? ALL : [`CR${agenda.slice(1)}${random.below(ROLES_PER_AGENDA)}`],
      source,
      services: random.chance(0.5) ? ALL : [`svc-${SOURCES.indexOf(source)}-${random.below(5)}`],
      dataItems: ITEMS.filter(() => random.chance(0.3)),
      legalBasis: `zákon ${i}`,
      validFrom: '2020-01-01',
      ...(random.chance(0.1) ? { validTo: '2024-12-31' } : {}),
    });
  }
  const ais = new Map<number, unknown>();
  for (let id = 1; id <= AIS; id++) {
    ais.set(id, {
      id,
      state: 'active',
      actsFor: new Set([String(10_000_000 + (id % 500)).padStart(8, '0')]),
      agendas: new Set(Array.from({ length: 20 }, (_, k) => `A${1 + ((id * 7 + k) % AGENDAS)}`)),
    });
  }
  const ovmAgendas = new Map<string, Set<string>>();
  for (let o = 0; o < 500; o++)
    ovmAgendas.set(String(10_000_000 + o).padStart(8, '0'), new Set(Array.from({ length: AGENDAS }, (_, a) => `A${a + 1}`)));
  const roleAgenda = new Map<string, string>();
  for (let a = 1; a <= AGENDAS; a++) for (let r = 0; r < ROLES_PER_AGENDA; r++) roleAgenda.set(`CR${a}${r}`, `A${a}`);
  return {
    generation: 1,
    credentials: new Map(),
    ais,
    ovmAgendas,
    roleAgenda,
    services: new Map(),
    authorisations: createAuthorisationIndex(list),
    approvedAccess: new Set(),
    sources: new Map(SOURCES.map((code) => [code, { code, name: code, ownerAis: 1, dataItems: [] }])),
  } as unknown as RegistrySnapshot;
}

function requests(seed: string): AuthorisationRequest[] {
  const random = createRandom(seed);
  return Array.from({ length: 5000 }, () => {
    const aisId = 1 + random.below(AIS);
    const agenda = `A${1 + ((aisId * 7 + random.below(20)) % AGENDAS)}`;
    const service = random.pick(SERVICES);
    const version = {
      code: service.code,
      major: 1,
      minor: 0,
      ownerAis: 1,
      manifest: { source: service.source, visibility: 'public' } as Manifest,
    } as ServiceVersion;
    return {
      aisId,
      context: {
        ovm: String(10_000_000 + (aisId % 500)).padStart(8, '0'),
        agenda,
        role: `CR${agenda.slice(1)}${random.below(ROLES_PER_AGENDA)}`,
        userId: 'u',
        dataItems: ITEMS.slice(0, 8),
      },
      service: version,
      declared: ITEMS,
      at: new Date(),
    };
  });
}

console.log('| authorisations | decisions | permitted | p50 | p99 | index heap |\n|---|---|---|---|---|---|');
for (const count of [1_000, 10_000, 100_000]) {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const snapshot = snapshotWith(count, `authz-${count}`);
  global.gc?.();
  const heap = process.memoryUsage().heapUsed - heapBefore;
  const view: RegistryView = { current: () => snapshot, refresh: async () => {}, close: () => {} };
  const engine = createLegalEngine(view);
  const calls = requests(`calls-${count}`);
  const times = new Float64Array(CALLS);
  let permitted = 0;
  for (let i = 0; i < CALLS; i++) {
    const request = calls[i % calls.length] as AuthorisationRequest;
    const t = performance.now();
    try {
      authoriseCall(snapshot, engine, request);
      permitted++;
    } catch {
      // refused: a decision all the same
    }
    times[i] = performance.now() - t;
  }
  const measured = times.subarray(20_000).sort();
  const at = (p: number) => `${((measured[Math.floor(p * measured.length)] ?? 0) * 1000).toFixed(1)} µs`;
  console.log(
    `| ${count.toLocaleString('en')} | ${CALLS.toLocaleString('en')} | ${Math.round((permitted / CALLS) * 100)} % | ${at(0.5)} | ${at(0.99)} | ${global.gc ? `${Math.round(heap / 1048576)} MiB (with the registry)` : 'run with --expose-gc'} |`,
  );
}
