/**
 * The HTTP provider connector: one undici Agent keeps a keep-alive pool per provider origin; each
 * request is sent whole and its answer read whole, within the caller's deadline and size limit.
 * Failures are sorted by whether the request can have reached the provider.
 */
import { Agent, errors as undiciErrors } from 'undici';
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
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), remaining);
      try {
        const response = await agentFor(Math.min(request.connectTimeoutMs, remaining)).request({
          origin: url.origin,
          path: `${request.operationInPath ? `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(request.operation)}` : url.pathname}${url.search}`,
          method: 'POST',
          headers: { ...request.headers, 'content-length': String(request.body.byteLength) },
          body: request.body,
          signal: abort.signal,
          headersTimeout: remaining,
          bodyTimeout: remaining,
        });
        const body = await readLimited(response.body, request.maxResponseBytes);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        return { status: response.statusCode, contentType: headers['content-type'] ?? '', headers, body } satisfies ProviderAnswer;
      } catch (error) {
        throw classify(error, abort.signal.aborted, remaining);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await Promise.all([...agents.values()].map((a) => a.close()));
      agents.clear();
    },
  };
}

async function readLimited(body: AsyncIterable<Uint8Array> & { destroy(error?: Error): unknown }, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      body.destroy();
      throw new ProviderFailure(FailureKind.TOO_LARGE, true, `the answer exceeds the service's limit of ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, size);
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
