/**
 * The demo as `npm start` runs it: the register mocks first, then the bus whose seed publishes them at
 * the address they really listen on; RPP answers from the bus's own registry and authorisations.
 * Tests start the same thing on free ports.
 */
import { rebaseEndpoint, registryRppSource, startMocks, type MocksOptions, type RunningMocks } from '../mocks/index.ts';
export { readMocksConfig } from '../mocks/index.ts';
import { createBus, type Bus, type BusParts } from './app.ts';
import type { BusConfig } from './config.ts';

export interface Demo {
  readonly bus: Bus;
  /** Absent when the mocks are switched off. */
  readonly mocks?: RunningMocks;
  close(): Promise<void>;
}

export async function startDemo(config: BusConfig, mocks: Omit<MocksOptions, 'rpp'> | undefined, parts: BusParts = {}): Promise<Demo> {
  let started: Bus | undefined;
  const busNow = (): Bus => {
    if (started === undefined) throw new Error('the bus is still starting');
    return started;
  };
  const running = mocks
    ? await startMocks({
        ...mocks,
        rpp: registryRppSource(
          {
            getAgenda: (code) => busNow().registry.getAgenda(code),
            listAgendas: () => busNow().registry.listAgendas(),
            listOvms: () => busNow().registry.listOvms(),
            listAis: () => busNow().registry.listAis(),
          },
          (agenda, role) => busNow().authorisations.list({ agenda, role }),
        ),
        usage: {
          agendas: async () => (await busNow().registry.listAgendas()).map((a) => a.code),
          reads: async (subject) => (await busNow().auditStore.bySubject(subject)).reads,
        },
      })
    : undefined;
  const origin = running?.url;
  try {
    started = await createBus(config, {
      ...parts,
      ...(origin ? { rewriteEndpoint: (url: string) => rebaseEndpoint(url, origin) } : {}),
    });
  } catch (error) {
    await running?.close();
    throw error;
  }
  const bus = started;
  return {
    bus,
    ...(running ? { mocks: running } : {}),
    async close() {
      await running?.close();
      await bus.close();
    },
  };
}
