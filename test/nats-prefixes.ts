/**
 * NATS prefixes a test file makes its buses use, and their removal when the file is done: every
 * stream (with its consumers) whose name starts with one of them is deleted, so a shared development
 * NATS does not fill up with the leftovers of test runs. Run as a vitest setup file.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';

const created = new Set<string>();

/** A NATS prefix of this test file's own, removed after the file. */
export function natsPrefix(name: string): string {
  const prefix = `t${name}${randomBytes(4).toString('hex')}`;
  created.add(prefix);
  return prefix;
}

/** Marks a prefix made elsewhere (a child process's bus) for removal after the file. */
export function removeAfterFile(prefix: string): void {
  created.add(prefix);
}

export async function removeStreams(prefixes: Iterable<string>, url = process.env.NATS_URL || 'nats://127.0.0.1:4222'): Promise<number> {
  const wanted = [...prefixes];
  if (wanted.length === 0) return 0;
  const nc = await connect({ servers: url, timeout: 2000 }).catch(() => undefined);
  if (nc === undefined) return 0;
  let removed = 0;
  try {
    const jsm = await jetstreamManager(nc);
    for await (const stream of jsm.streams.list()) {
      if (wanted.some((p) => stream.config.name.startsWith(`${p}-`))) {
        await jsm.streams.delete(stream.config.name);
        removed++;
      }
    }
  } finally {
    await nc.close();
  }
  return removed;
}

afterAll(async () => {
  await removeStreams(created);
  created.clear();
});
