import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{bus,contracts,routing,connectors,mocks,test}/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // libxml2-wasm and PGlite are heavy to load; forks keep each file's memory apart.
    pool: 'forks',
    // Deletes the NATS streams (and consumers) each test file's buses made under their prefixes.
    setupFiles: ['test/nats-prefixes.ts'],
  },
});
