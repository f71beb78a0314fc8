/**
 * The HTTP provider connector: one undici Agent keeps a keep-alive pool per provider origin; each
 * request is sent whole and its answer read whole, within the caller's deadline and size limit.
 * Failures are sorted by whether the request can have reached the provider.
 */
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { FailureKind, ProviderFailure, type Connector, type ProviderAnswer, type ProviderRequest } from '../../routing/index.ts';

export interface HttpConnectorOptions {
  /** Connections per provider origin. */
  readonly connections?: number;
  readonly keepAliveMs?: number;
}

/** Errors raised before a byte of the request left: safe to try another endpoint. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

export function createHttpConnector({ connections = 128, keepAliveMs = 30_000 }: HttpConnectorOptions = {}): Connector {
  const agents = new Map<number, Agent>();
  // The connect timeout is a property of the Agent; services share one Agent per timeout value.
  const agentFor = (connectTimeoutMs: number): Agent => {
    let agent = agents.get(connectTimeoutMs);
    if (agent === undefined) {
      agent = new Agent({ connections, keepAliveTimeout: keepAliveMs, connect: { timeout: connectTimeoutMs } });
      agents.set(connectTimeoutMs, agent);
    }
    return agent;
  };

  return {
    schemes: ['http:', 'https:'],
    async send(request) {
      const url = new URL(request.endpoint);
      const remaining = Math.max(1, Math.round(request.deadline - performance.now()));
      const deadline = { passed: false };
      try {
        return await exchange(
          agentFor(Math.min(request.connectTimeoutMs, remaining)),
          {
            origin: url.origin,
            path: `${request.operationInPath ? `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(request.operation)}` : url.pathname}${url.search}`,
            method: 'POST',
            headers: { ...request.headers, 'content-length': String(request.body.byteLength) },
            body: request.body,
            headersTimeout: remaining,
            bodyTimeout: remaining,
          },
          request.maxResponseBytes,
          remaining,
          deadline,
        );
      } catch (error) {
        throw classify(error, deadline.passed, remaining);
      }
    },
    async close() {
      await Promise.all([...agents.values()].map((a) => a.close()));
      agents.clear();
    },
  };
}

/**
 * One request and its whole answer, straight from the dispatcher's callbacks: no stream, no abort
 * signal, no async iterator for an answer that is read whole anyway. Past `waitMs` (marked in
 * `deadline`) or past `limit` bytes of body, the exchange fails and its connection is dropped. A
 * request still waiting for a free connection at its deadline fails then, and is never sent.
 */
function exchange(
  agent: Agent,
  options: Dispatcher.DispatchOptions,
  limit: number,
  waitMs: number,
  deadline: { passed: boolean },
): Promise<ProviderAnswer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown): void => {
      clearTimeout(timer);
      if (!settled) reject(error);
      settled = true;
    };
    let controller: Dispatcher.DispatchController | undefined;
    // Once given up, a request that gets its connection only later is aborted before it is written.
    let givenUp: Error | undefined;
    const timer = setTimeout(() => {
      deadline.passed = true;
      givenUp = new Error(`no complete answer within ${waitMs} ms`);
      if (controller !== undefined && !controller.aborted) controller.abort(givenUp);
      fail(givenUp);
    }, waitMs);
    let status = 0;
    let headers: Record<string, string> = {};
    let chunks: Buffer[] = [];
    let size = 0;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (givenUp !== undefined) c.abort(givenUp);
      },
      onResponseStart(_c, statusCode, raw) {
        status = statusCode;
        headers = {};
        for (const [name, value] of Object.entries(raw)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        chunks = [];
        size = 0;
      },
      onResponseData(c, chunk) {
        size += chunk.byteLength;
        if (size > limit) {
          c.abort(new ProviderFailure(FailureKind.TOO_LARGE, true, `the answer exceeds the service's limit of ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
        resolve({ status, contentType: headers['content-type'] ?? '', headers, body });
      },
      onResponseError(_c, error) {
        fail(error);
      },
    };
    try {
      agent.dispatch(options, handler);
    } catch (error) {
      fail(error);
    }
  });
}

function classify(error: unknown, aborted: boolean, waitedMs: number): ProviderFailure {
  if (error instanceof ProviderFailure) return error;
  const code = (error as { code?: string } | null)?.code ?? '';
  const causeCode = (error as { cause?: { code?: string } } | null)?.cause?.code ?? '';
  if (NOT_SENT.has(code) || NOT_SENT.has(causeCode) || error instanceof undiciErrors.ConnectTimeoutError) {
    return new ProviderFailure(FailureKind.CONNECT, false, `could not connect: ${code || causeCode || (error as Error).message}`, {
      cause: error,
    });
  }
  if (aborted || error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return new ProviderFailure(FailureKind.TIMEOUT, true, `no complete answer within ${waitedMs} ms`, { cause: error });
  }
  return new ProviderFailure(
    FailureKind.RESET,
    true,
    `the connection failed after the request was sent: ${code || (error as Error).message}`,
    { cause: error },
  );
}
