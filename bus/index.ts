/**
 * The bus: HTTP server, registry, publishing, catalogue and storage (the CLI is `bus/cli.ts`).
 *
 * @example
 * const bus = await createBus(readConfig({ EGSB_IN_MEMORY: '1' }));
 * const res = await bus.app.request('/catalog');
 */
export { createBus, type Bus } from './app.ts';
export { readConfig, type BusConfig } from './config.ts';
export { startServers, type RunningServers } from './server.ts';
export type { Db, Queryable } from './storage/index.ts';
