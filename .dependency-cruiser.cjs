/**
 * The layout's rules (`npm run lint:deps`, part of `npm test`): one direction of dependency,
 * contracts ← routing ← connectors ← bus, mocks on the public faces of contracts and connectors only,
 * every folder reached through its index.ts, and no file cycles. The demo entry is the one place the bus
 * may start the mocks.
 */
const FACE = 'index\\.ts$';
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'A file cycle hides which part owns what.', from: {}, to: { circular: true } },
    {
      name: 'contracts-are-the-base',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { path: '^(routing|connectors|bus|mocks|test)/' },
    },
    { name: 'routing-below-connectors', severity: 'error', from: { path: '^routing/' }, to: { path: '^(connectors|bus|mocks|test)/' } },
    { name: 'connectors-below-bus', severity: 'error', from: { path: '^connectors/' }, to: { path: '^(bus|mocks|test)/' } },
    {
      name: 'mocks-use-public-faces',
      severity: 'error',
      comment: 'Mocks stand where a provider stands: they see only what contracts/ and connectors/ offer.',
      from: { path: '^mocks/' },
      to: { path: '^(bus|routing|test)/' },
    },
    {
      name: 'bus-starts-mocks-only-in-the-demo',
      severity: 'error',
      from: { path: '^bus/', pathNot: '^bus/demo\\.ts$' },
      to: { path: '^mocks/' },
    },
    {
      name: 'top-level-faces',
      severity: 'error',
      comment: 'Another top-level folder is reached through its index.ts only (tests may reach inside).',
      from: { path: '^(contracts|routing|connectors|bus|mocks)/' },
      to: { path: '^(contracts|routing|connectors|mocks)/', pathNot: ['^$1/', `^(contracts|routing|connectors|mocks)/${FACE}`] },
    },
    {
      name: 'bus-folder-faces',
      severity: 'error',
      comment: 'Inside bus/, another concept folder is reached through its index.ts only.',
      from: { path: '^(bus/[^/]+)/' },
      to: { path: '^bus/[^/]+/', pathNot: ['^$1/', `^bus/[^/]+/${FACE}`] },
    },
    {
      name: 'bus-root-uses-faces',
      severity: 'error',
      from: { path: '^bus/[^/]+\\.ts$' },
      to: { path: '^bus/[^/]+/', pathNot: `^bus/[^/]+/${FACE}` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
