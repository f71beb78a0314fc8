/**
 * The bus's side of NATS request/reply: an endpoint `nats:<subject>` is served by a provider that
 * answers on `<subject>.<operation>` (see `provider-adapter.ts`). No responder means nothing was sent;
 * a timeout means the request may have been taken.
 */
import { errors, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { FailureKind, ProviderFailure, type Connector, type ProviderAnswer, type ProviderRequest } from '../../routing/index.ts';
import { CONTENT_TYPE_HEADER, STATUS_HEADER, operationSubject } from './nats-protocol.ts';

export function createNatsConnector(connection: () => NatsConnection | undefined): Connector {
  return {
    schemes: ['nats:'],
    async send(request: ProviderRequest): Promise<ProviderAnswer> {
      const nc = connection();
      if (nc === undefined) throw new ProviderFailure(FailureKind.CONNECT, false, 'the bus is not connected to NATS');
      let subject: string;
      try {
        subject = operationSubject(request.endpoint.slice('nats:'.length), request.operation);
      } catch (error) {
        throw new ProviderFailure(FailureKind.CONNECT, false, (error as Error).message, { cause: error });
      }
      const h = natsHeaders();
      for (const [name, value] of Object.entries(request.headers)) h.set(name, value);
      const timeout = Math.max(1, Math.floor(request.deadline - performance.now()));
      try {
        const reply = await nc.request(subject, request.body, { timeout, headers: h });
        if (reply.data.byteLength > request.maxResponseBytes) {
          throw new ProviderFailure(
            FailureKind.TOO_LARGE,
            true,
            `the provider's answer exceeds the service's limit of ${request.maxResponseBytes} bytes`,
          );
        }
        const status = Number(reply.headers?.get(STATUS_HEADER) ?? '200');
        const contentType = reply.headers?.get(CONTENT_TYPE_HEADER) ?? 'application/octet-stream';
        const answerHeaders: Record<string, string> = {};
        for (const [name, values] of reply.headers ?? []) answerHeaders[name.toLowerCase()] = values[0] ?? '';
        return {
          status: Number.isInteger(status) && status >= 100 && status < 600 ? status : 502,
          contentType,
          headers: answerHeaders,
          body: reply.data,
        };
      } catch (error) {
        if (error instanceof ProviderFailure) throw error;
        if (error instanceof errors.NoRespondersError || (error as { cause?: unknown }).cause instanceof errors.NoRespondersError) {
          throw new ProviderFailure(FailureKind.CONNECT, false, `no provider serves ${subject}`, { cause: error });
        }
        if (error instanceof errors.TimeoutError || (error as { cause?: unknown }).cause instanceof errors.TimeoutError) {
          throw new ProviderFailure(FailureKind.TIMEOUT, true, `no answer on ${subject} in time`, { cause: error });
        }
        throw new ProviderFailure(FailureKind.RESET, true, `NATS request on ${subject} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
    async close() {},
  };
}
