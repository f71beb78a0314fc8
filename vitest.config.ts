import { connect } from 'node:net';
import { defineConfig } from 'vitest/config';

/** Test files that need a nats-server with JetStream (NATS_URL, default nats://127.0.0.1:4222). */
const NEEDS_NATS = [
  'test/async.test.ts',
  'test/async-faults.test.ts',
  'test/security/queue.test.ts',
  'test/shared-data.test.ts',
  'test/readme.test.ts',
  'mocks/mocks.test.ts',
  'test/iszr-async.test.ts',
];

function natsReachable(): Promise<boolean> {
  const url = new URL((process.env.NATS_URL || 'nats://127.0.0.1:4222').split(',')[0] ?? '');
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 4222) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export default defineConfig(async () => {
  const nats = await natsReachable();
  if (!nats && process.env.EGSB_REQUIRE_NATS === '1') throw new Error('EGSB_REQUIRE_NATS=1 but no nats-server answers at NATS_URL');
  if (!nats)
    console.warn(
      `No nats-server at NATS_URL (default nats://127.0.0.1:4222): skipping ${NEEDS_NATS.join(', ')}. Start one with: nats-server -js`,
    );
  return {
    test: {
      include: ['{bus,contracts,routing,connectors,mocks,test}/**/*.test.ts'],
      exclude: ['**/node_modules/**', 'dist/**', ...(nats ? [] : NEEDS_NATS)],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      // libxml2-wasm and PGlite are heavy to load; forks keep each file's memory apart.
      pool: 'forks',
      // Deletes the NATS streams (and consumers) each test file's buses made under their prefixes.
      setupFiles: ['test/nats-prefixes.ts'],
    },
  };
});
