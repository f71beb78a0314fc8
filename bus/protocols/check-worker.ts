/**
 * The message-check worker: parses, validates, rewrites and filters large messages away from the
 * event loop. Each thread compiles the contracts it is asked about once (named by digest) and keeps
 * the most recently used; a task naming a contract the thread lacks is answered `missing`, and the
 * pool sends it again with the contract's files.
 */
import { workerData } from 'node:worker_threads';
import { LRUCache } from 'lru-cache';
import { move } from 'piscina';
import {
  compileContract,
  createBundle,
  EMPTY_CATALOGUE,
  isEgsbError,
  loadSchemaCatalogue,
  type CompiledContract,
} from '../../contracts/index.ts';
import { findRequest, forwardRequest, protocolOf } from './message.ts';
import type { CheckReply, CheckTask } from './check-pool.ts';

const options = (workerData ?? {}) as { catalogue?: string; contracts?: number };
const catalogue = options.catalogue ? await loadSchemaCatalogue(options.catalogue) : EMPTY_CATALOGUE;
const contracts = new LRUCache<string, CompiledContract>({
  max: options.contracts ?? 32,
  dispose: (compiled) => compiled.dispose(),
});

export default function check(task: CheckTask): CheckReply {
  let compiled = contracts.get(task.contract.digest);
  if (compiled === undefined) {
    const source = task.contract.source;
    if (source === undefined) return { kind: 'missing' };
    compiled = compileContract({ manifest: source.manifest, bundle: createBundle([...source.files]), catalogue });
    contracts.set(task.contract.digest, compiled);
  }
  try {
    switch (task.kind) {
      case 'request':
        return { kind: 'request', findings: findRequest(compiled, task.message) };
      case 'forward':
        // Handed over, not copied: a maximal message is megabytes.
        return move(forwardRequest(compiled, task.message, task.effective, task.context)) as Uint8Array;
      case 'answer': {
        const items = { effective: new Set(task.effective), refused: task.refused };
        const answer = protocolOf(compiled).readAnswer(compiled, task.call, task.answer, items);
        return { kind: 'answer', answer };
      }
    }
  } catch (error) {
    if (!isEgsbError(error)) throw error;
    return { kind: 'refused', code: error.code, message: error.message, errors: error.errors, headers: error.headers };
  }
}
