// `npm run build`: the bus, connectors and mocks compiled by tsc into dist/, with the files they read
// at run time (migrations, the demo seed, the mocks' contract bundles) copied beside them.
import { chmodSync, cpSync, readdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
cpSync(`${root}bus/storage/migrations`, `${dist}/bus/storage/migrations`, { recursive: true });
cpSync(`${root}mocks/seed.yaml`, `${dist}/mocks/seed.yaml`);
for (const entry of readdirSync(`${root}mocks`, { withFileTypes: true })) {
  if (!entry.isDirectory()) continue;
  const bundle = `${root}mocks/${entry.name}/bundle`;
  try {
    cpSync(bundle, `${dist}/mocks/${entry.name}/bundle`, { recursive: true });
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
}
chmodSync(`${dist}/bus/cli-main.js`, 0o755);
