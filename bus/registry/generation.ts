/**
 * The registry's generation number: every write to the registry or to published services raises it
 * in the same transaction, and each bus instance's registry view reloads when it sees it change.
 */
import type { Queryable } from '../storage/index.ts';

export async function bumpGeneration(q: Queryable): Promise<void> {
  await q.query('UPDATE registry_state SET generation = generation + 1');
}

export async function readGeneration(q: Queryable): Promise<number> {
  const [row] = await q.query<{ generation: string | number }>('SELECT generation FROM registry_state');
  return Number(row?.generation ?? 0);
}
