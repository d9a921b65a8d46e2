import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../src/platform/event-store/event-store.port.js';
import { GENESIS_HASH, chainEvents } from '../../src/platform/event-store/hash-chain.js';
import type { Role } from '../../src/platform/http/auth/api-keys.js';
import { startTestApi, type TestApi } from './api.js';
import type { PaymentGateway } from '../../src/ledger/payment-gateway/payment-gateway.port.js';

/**
 * The middle tier of the tests: a use case's real HTTP route (guards, validation, idempotency, problem+json,
 * the command bus and its handler) over an in-memory event store, no child process.
 *
 *   await spec
 *     .given(stream('account-anna', accountOpened(...)), (api) => api.call('POST', ...))
 *     .when({ method: 'POST', path: '/v1/accounts/anna/top-ups', body })
 *     .then(expectResponse(201), expectNewEvents('ledger-anna@2026-03', [{ type: 'FundsDeposited' }]));
 *
 * `given` takes existing streams (events appended as they would have been stored) or setup steps that use
 * the API; `then` sees the response and exactly the events the request stored.
 */
export interface ApiResult {
  status: number;
  body: any;
  headers: Headers;
  /** The events the request stored, in log order. */
  newEvents: RecordedEvent[];
}

export type Given = { stream: string; events: Array<{ type: string; data: unknown; at?: string }> } | Setup;
type Setup = (api: TestApi) => Promise<unknown>;
export type Expectation = (result: ApiResult, api: TestApi) => void | Promise<void>;

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  body?: unknown;
  /** `null` sends no API key; default service. */
  role?: Role | null;
  headers?: Record<string, string>;
  rawBody?: string;
}

/** One started service per test file; each scenario uses its own account ids. */
export function apiSpecification(options: { now?: string; paymentGateway?: PaymentGateway } = {}) {
  let api: TestApi | undefined;
  const gateway = options.paymentGateway;
  const started = async () =>
    (api ??= await startTestApi(options.now, undefined, undefined, undefined, () =>
      gateway ? { paymentGateway: gateway } : {},
    ));
  return {
    /** The running service (started on first use). */
    api: started,
    async close() {
      await api?.close();
      api = undefined;
    },
    given(...givens: Given[]) {
      return {
        when(request: ApiRequest | ((api: TestApi) => ApiRequest)) {
          return {
            async then(...expectations: Expectation[]): Promise<ApiResult> {
              const service = await started();
              for (const given of givens) {
                if (typeof given === 'function') await given(service);
                else await appendStored(service, given.stream, given.events);
              }
              const req = typeof request === 'function' ? request(service) : request;
              const head = await service.store.headPosition();
              const response = await service.call(req.method, req.path, req.body, {
                role: req.role,
                headers: req.headers,
                rawBody: req.rawBody,
              });
              const newEvents = await service.store.readAll(
                head === undefined ? {} : { afterPosition: head },
              );
              const result: ApiResult = { ...response, newEvents };
              for (const expectation of expectations) await expectation(result, service);
              return result;
            },
          };
        },
      };
    },
  };
}

/** Events of a stream as the engine would have stored them (metadata, hash chain). */
export function stream(streamId: string, ...events: Array<{ type: string; data: unknown; at?: string }>) {
  return { stream: streamId, events };
}

async function appendStored(
  api: TestApi,
  streamId: string,
  events: Array<{ type: string; data: unknown; at?: string }>,
): Promise<void> {
  const now = api.clock.now().toISOString();
  const existing = await api.store.streamRevision(streamId);
  const previous =
    existing === undefined
      ? undefined
      : (await api.store.readStream(streamId, { direction: 'backwards', maxCount: 1 }))[0];
  const chained = chainEvents(
    streamId,
    (existing ?? -1) + 1,
    (previous?.metadata.hash as string | undefined) ?? GENESIS_HASH,
    events.map((event) => ({
      id: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: {
        commandId: `given/${randomUUID()}`,
        actor: 'test',
        recordedAt: event.at ?? now,
        effectiveAt: event.at ?? now,
        schemaVersion: 1,
      },
    })),
  );
  await api.store.append(streamId, chained, existing ?? 'no_stream');
}

/** The response's status, and (as a subset) its body. */
export const expectResponse =
  (status: number, body?: unknown): Expectation =>
  (result) => {
    expect({ status: result.status, body: result.body }).toMatchObject(
      body === undefined ? { status } : { status, body },
    );
  };

/** A problem+json rejection: status, stable code and (optionally) the field it names. */
export const expectProblem =
  (status: number, code: string, field?: string): Expectation =>
  (result) => {
    expect(result.status).toBe(status);
    expect(result.body).toMatchObject({ code });
    if (field !== undefined) {
      const fields = [
        result.body.field,
        ...(result.body.errors ?? []).map((e: { field: string }) => e.field),
      ];
      expect(fields).toContain(field);
    }
  };

/** Exactly these new events in `streamId` (each matched as a subset), in order. */
export const expectNewEvents =
  (streamId: string, events: Array<{ type: string; data?: unknown }>): Expectation =>
  (result) => {
    expect(
      result.newEvents.filter((e) => e.streamId === streamId).map((e) => ({ type: e.type, data: e.data })),
    ).toMatchObject(events.map((e) => (e.data === undefined ? { type: e.type } : e)));
  };

/** The request stored nothing at all (a read, or a rejected command). */
export const expectNoNewEvents = (): Expectation => (result) => {
  expect(result.newEvents.map((e) => `${e.streamId} ${e.type}`)).toEqual([]);
};
