/**
 * Group commit for small writes and lookups: items that arrive while a statement is in flight wait
 * and go together in the next one, so that under load one statement carries hundreds of them and at
 * rest an item waits only for its own. `flush` answers one result per item, in order.
 */

export interface GroupCommitOptions {
  readonly maxBatch?: number;
}

interface Waiting<In, Out> {
  readonly item: In;
  resolve(out: Out): void;
  reject(error: unknown): void;
}

export function groupCommit<In, Out>(
  flush: (batch: readonly In[]) => Promise<readonly Out[]>,
  { maxBatch = 500 }: GroupCommitOptions = {},
): (item: In) => Promise<Out> {
  const queue: Waiting<In, Out>[] = [];
  let running = false;

  async function run(): Promise<void> {
    while (queue.length > 0) {
      // Let the work that is about to submit join this batch.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const batch = queue.splice(0, maxBatch);
      try {
        const results = await flush(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(results[i] as Out));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    running = false;
  }

  return (item) =>
    new Promise<Out>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!running) {
        running = true;
        void run();
      }
    });
}
