/**
 * Message checks off the event loop. A request or answer larger than `offloadBytes` is parsed,
 * validated, rewritten and filtered by a pool of worker threads (piscina), so that `/healthz` and
 * small calls keep being answered while megabytes are checked; smaller ones are checked here, where
 * a hop to a thread would cost more than the work. The pool's queue is bounded: past it, a large
 * message is refused with EGSB_RATE_LIMITED and Retry-After rather than waiting without end.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import {
  EgsbError,
  ErrorCode,
  type CompiledContract,
  type ContextSource,
  type ErrorEntry,
  type SoapVersion,
} from '../../contracts/index.ts';
import type { ProviderAnswer } from '../../connectors/index.ts';
import { localMessage, protocolOf, type CallMessage, type RequestFindings } from './message.ts';
import type { AnswerItems, ForwardContext, InboundMessage, OutboundAnswer } from './protocol.ts';

interface ContractRef {
  readonly digest: string;
  /** Sent only when the thread said it lacks the contract. */
  readonly source?: { readonly manifest: unknown; readonly files: ReadonlyMap<string, Uint8Array> };
}

/** What a thread is asked to do with a message, besides which contract to do it under. */
type CheckWork =
  | { readonly kind: 'request'; readonly message: InboundMessage }
  | {
      readonly kind: 'forward';
      readonly message: InboundMessage;
      readonly effective: readonly string[];
      readonly context: ForwardContext;
    }
  | {
      readonly kind: 'answer';
      readonly call: { readonly operation: string; readonly soapVersion?: SoapVersion };
      readonly answer: ProviderAnswer;
      readonly effective: readonly string[];
      readonly refused: readonly string[];
    };

export type CheckTask = CheckWork & { readonly contract: ContractRef };

export type CheckReply =
  | { readonly kind: 'missing' }
  | { readonly kind: 'request'; readonly findings: RequestFindings }
  | { readonly kind: 'answer'; readonly answer: OutboundAnswer }
  | {
      readonly kind: 'refused';
      readonly code: ErrorCode;
      readonly message: string;
      readonly errors: readonly ErrorEntry[];
      readonly headers: Readonly<Record<string, string>>;
    }
  | Uint8Array;

export interface MessageChecksOptions {
  /** Messages (requests and answers) of more bytes than this are checked by the pool. */
  readonly offloadBytes: number;
  /** Worker threads; 0 checks everything on the event loop. */
  readonly threads: number;
  /** Large messages waiting for a thread before more are refused. */
  readonly maxQueue?: number;
  /** The schema catalogue file the bus compiles contracts with. */
  readonly catalogue?: string;
}

export interface MessageChecks {
  /** Reads a request: finds its operation and context, and validates it (here, or in the pool). */
  parse(compiled: CompiledContract, message: InboundMessage): Promise<CallMessage>;
  /** Checks and filters an answer to a call parsed earlier, perhaps elsewhere (asynchronous mode). */
  readAnswer(
    compiled: CompiledContract,
    call: { operation: string; soapVersion?: SoapVersion },
    answer: ProviderAnswer,
    items: AnswerItems,
  ): Promise<OutboundAnswer>;
  /** Large messages checked in the pool so far, and those waiting for a thread now. */
  stats(): { offloaded: number; queued: number; threads: number };
  close(): Promise<void>;
}

export function createMessageChecks(options: MessageChecksOptions): MessageChecks {
  const pool =
    options.threads > 0
      ? new Piscina<CheckTask, CheckReply>({
          filename: workerEntry(),
          minThreads: 0,
          maxThreads: options.threads,
          idleTimeout: 60_000,
          maxQueue: options.maxQueue ?? options.threads * 16,
          workerData: { ...(options.catalogue ? { catalogue: options.catalogue } : {}) },
        })
      : undefined;
  let offloaded = 0;

  async function run(compiled: CompiledContract, task: CheckWork): Promise<Exclude<CheckReply, { kind: 'missing' }>> {
    if (pool === undefined) throw new Error('no check pool');
    offloaded += 1;
    const ref = { digest: compiled.digest };
    let reply = await submit(pool, { ...task, contract: ref } as CheckTask);
    if (!(reply instanceof Uint8Array) && reply.kind === 'missing') {
      const source = { manifest: compiled.manifest, files: compiled.files };
      reply = await submit(pool, { ...task, contract: { ...ref, source } } as CheckTask);
    }
    if (!(reply instanceof Uint8Array) && reply.kind === 'refused')
      throw new EgsbError(reply.code, reply.message, { errors: [...reply.errors], headers: reply.headers });
    if (!(reply instanceof Uint8Array) && reply.kind === 'missing') throw new Error('the check thread did not take the contract');
    return reply;
  }

  const large = (bytes: Uint8Array): boolean => pool !== undefined && bytes.byteLength > options.offloadBytes;

  return {
    async parse(compiled, message) {
      const readAnswer = this.readAnswer.bind(this);
      if (!large(message.body))
        return localMessage(protocolOf(compiled).parse(compiled, message), (call, answer, items) =>
          readAnswer(compiled, call, answer, items),
        );
      const reply = await run(compiled, { kind: 'request', message });
      if (reply instanceof Uint8Array || reply.kind !== 'request') throw new Error('the check thread answered out of turn');
      const findings = reply.findings;
      return {
        operation: findings.operation,
        ...(findings.soapVersion !== undefined ? { soapVersion: findings.soapVersion } : {}),
        bodyContext: findings.bodyContext,
        ...(findings.envelopeContext !== undefined ? { envelopeContext: findings.envelopeContext as ContextSource } : {}),
        subjects: findings.subjects,
        validate: async () => findings.errors,
        async forwardBody(effective, context) {
          const bytes = await run(compiled, { kind: 'forward', message, effective: [...effective], context });
          if (!(bytes instanceof Uint8Array)) throw new Error('the check thread answered out of turn');
          return bytes;
        },
        providerHeaders: () => ({ ...findings.providerHeaders }),
        readAnswer: (answer, items) =>
          readAnswer(
            compiled,
            { operation: findings.operation, ...(findings.soapVersion ? { soapVersion: findings.soapVersion } : {}) },
            answer,
            items,
          ),
        dispose() {},
      };
    },
    async readAnswer(compiled, call, answer, items) {
      if (!large(answer.body)) return protocolOf(compiled).readAnswer(compiled, call, answer, items);
      const reply = await run(compiled, { kind: 'answer', call, answer, effective: [...items.effective], refused: [...items.refused] });
      if (reply instanceof Uint8Array || reply.kind !== 'answer') throw new Error('the check thread answered out of turn');
      return reply.answer;
    },
    stats: () => ({ offloaded, queued: pool?.queueSize ?? 0, threads: pool?.threads.length ?? 0 }),
    async close() {
      await pool?.destroy();
    },
  };
}

async function submit(pool: Piscina<CheckTask, CheckReply>, task: CheckTask): Promise<CheckReply> {
  try {
    return await pool.run(task);
  } catch (error) {
    if (/queue is at limit/i.test(String((error as Error).message))) {
      throw new EgsbError(
        ErrorCode.RATE_LIMITED,
        'the bus is checking as many large messages as it can take at once; send this one again shortly',
        { headers: { 'retry-after': '1' }, cause: error },
      );
    }
    throw error;
  }
}

/** The worker's module: compiled JavaScript when the bus runs built, else TypeScript through tsx. */
function workerEntry(): string {
  const built = fileURLToPath(new URL('./check-worker.js', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('./check-worker-entry.mjs', import.meta.url));
}
