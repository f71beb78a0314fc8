/**
 * The README's examples, run exactly as printed against the program `npm start` runs, on the ports the
 * README names. A block marked `<!-- readme-test: expect "…" … -->` must exit 0 and print every
 * expected text; so the first call a new user pastes cannot rot.
 */
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsPrefix } from './nats-prefixes.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const readmePrefix = natsPrefix('readme');
const README = readFileSync(`${ROOT}README.md`, 'utf8');
const CERTS = '/tmp/egsb-certs';

interface Example {
  readonly script: string;
  readonly expected: readonly string[];
  readonly line: number;
}

function examples(text: string): Example[] {
  const found: Example[] = [];
  const marker = /<!-- readme-test: expect ((?:"(?:[^"\\]|\\.)*"\s*)+)-->\n```sh\n([\s\S]*?)\n```/g;
  for (let m = marker.exec(text); m !== null; m = marker.exec(text)) {
    const expected = [...(m[1] ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((q) => JSON.parse(`"${q[1] ?? ''}"`) as string);
    found.push({ script: m[2] ?? '', expected, line: text.slice(0, m.index).split('\n').length });
  }
  return found;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function run(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let child: ChildProcess | undefined;
// The operator examples use $EGSB_ADMIN_TOKEN, as a reader who started the bus with it set would.
process.env.EGSB_ADMIN_TOKEN ??= 'readme-operator-token-0123456789';
// The ISZR client example builds its client from the state's WSDL where the reference set is present.
const STATE_WSDL = fileURLToPath(new URL('../../shared/contracts/iszr/wsdl/egon/wsdl/IszrRobCtiAifo.wsdl', import.meta.url));
if (existsSync(STATE_WSDL)) process.env.ISZR_WSDL ??= STATE_WSDL;

beforeAll(async () => {
  for (const port of [8080, 8091, 8443]) {
    if (await portInUse(port)) throw new Error(`port ${port} is taken; the README examples need it free (stop a running npm start)`);
  }
  // The TLS example's certificates, made as the README says (egsb dev-certs keeps what is there).
  execFileSync(process.execPath, [`${ROOT}dist/bus/cli-main.js`, 'dev-certs', '--dir', CERTS], { stdio: 'pipe' });
  // What npm start runs: the compiled bus (npm test builds it before the tests run).
  child = spawn(process.execPath, [`${ROOT}dist/bus/main.js`], {
    cwd: ROOT,
    env: {
      ...process.env,
      EGSB_IN_MEMORY: '1',
      EGSB_TLS_CERT: `${CERTS}/server.crt`,
      EGSB_TLS_KEY: `${CERTS}/server.key`,
      EGSB_TLS_CLIENT_CA: `${CERTS}/ca.crt`,
      EGSB_TLS_PORT: '',
      EGSB_LOG_LEVEL: 'info',
      DATABASE_URL: '',
      EGSB_PORT: '',
      EGSB_MOCKS_PORT: '',
      EGSB_MOCKS: '',
      EGSB_NATS_PREFIX: readmePrefix,
      EGSB_MOCKS_NATS_SUBJECT: `${readmePrefix}.vozidla`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up within 90 s:\n${output}`)), 90_000);
    child?.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"egsb listening"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child?.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child?.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

describe('README examples', () => {
  const all = examples(README);

  it('shows files exactly as they are in the repository', () => {
    const shown = [...README.matchAll(/<!-- readme-file: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)];
    expect(shown.length).toBeGreaterThanOrEqual(1);
    for (const [, file, text] of shown) expect(text, file).toBe(readFileSync(`${ROOT}${file}`, 'utf8').trimEnd());
  });

  it('has the examples it promises', () => {
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all[0]?.script).toContain('/soap/IszrRobCtiAifo/v1');
  });

  for (const example of examples(README)) {
    it(`line ${example.line} runs as printed`, async () => {
      const result = await run(example.script);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      for (const text of example.expected) expect(result.stdout).toContain(text);
    }, 40_000);
  }
});
