import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { KEYS, startTestApi, type TestApi } from '../support/api.js';
import { individual } from '../support/requests.js';

/** Sends raw bytes on a new connection; resolves with everything the server sent back and when it closed. */
export function rawExchange(
  port: number,
  head: string,
  options: { body?: Buffer | string; waitMs?: number } = {},
): Promise<{ text: string; closed: boolean; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false, ms: Date.now() - started });
    }, options.waitMs ?? 3000);
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true, ms: Date.now() - started });
    });
    socket.write(head);
    if (options.body !== undefined) socket.write(options.body);
  });
}

const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
const problemOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Record<string, any>;

describe('transport limits: input that once answered 500 (issue 17, defect 4)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('2026-03-20T09:00:00.000Z');
    await api.call('POST', '/v1/accounts', individual('anna'));
  });
  afterAll(() => api.close());

  const head = async () => (await api.store.headPosition())?.toString();
  const topUp = { paymentId: 'p-1', amount: '100', currency: 'RUB', channel: 'card' };

  it('refuses JSON nested ~2 000 deep with 400 JSON_TOO_DEEP naming the rule, not 500', async () => {
    const before = await head();
    const deep = JSON.stringify({ ...topUp, extra: JSON.parse('['.repeat(2000) + ']'.repeat(2000)) });
    const response = await api.call('POST', '/v1/accounts/anna/top-ups', undefined, { rawBody: deep });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({
      code: 'JSON_TOO_DEEP',
      errors: [{ field: 'body', rule: 'maxDepth' }],
    });
    expect(await head()).toBe(before);
  });

  it('refuses a 1.8 MB deeply nested body at once, without blocking the event loop', async () => {
    const body = `{"records":${'['.repeat(900_000)}${']'.repeat(900_000)}}`;
    // "At once" is counted, not timed, in json-depth.spec.ts: the scan stops 33 bytes in. Here: the answer,
    // and timers kept firing while the body was read and refused.
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const response = await api.call('POST', '/v1/usage/batch', undefined, { rawBody: body });
    clearInterval(ticker);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('JSON_TOO_DEEP');
    expect(ticks).toBeGreaterThan(0);
  });

  it('still takes a body nested as deep as the limit (32)', async () => {
    let nested: unknown = 1;
    for (let i = 0; i < 31; i++) nested = [nested];
    const response = await api.call('POST', '/v1/accounts/anna/top-ups', { ...topUp, extra: nested });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED'); // an unknown field, not a depth problem
    let tooDeep: unknown = 1;
    for (let i = 0; i < 32; i++) tooDeep = [tooDeep];
    const refused = await api.call('POST', '/v1/accounts/anna/top-ups', { ...topUp, extra: tooDeep });
    expect(refused.body.code).toBe('JSON_TOO_DEEP');
  });

  it('never reads the body of a request without a valid API key: 401 at once, connection closed', async () => {
    const port = Number(new URL(api.baseUrl).port);
    // Promises a megabyte and sends none of it: a server that read bodies first would wait for it.
    const answer = await rawExchange(
      port,
      'POST /v1/accounts/anna/top-ups HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Encoding: gzip\r\nContent-Length: 1000000\r\n\r\n',
    );
    expect(statusOf(answer.text)).toBe(401);
    expect(problemOf(answer.text).code).toBe('UNAUTHENTICATED');
    expect(answer.text.toLowerCase()).toContain('connection: close');
    expect(answer.closed).toBe(true);
    expect(answer.ms).toBeLessThan(1000);
    // A wrong key is no key.
    const wrong = await api.call('POST', '/v1/accounts/anna/top-ups', topUp, {
      role: null,
      headers: { authorization: 'Bearer nope', 'content-encoding': 'gzip' },
    });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('answers a plain body sent as gzip with 400 naming Content-Encoding, and reads real gzip', async () => {
    const before = await head();
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const response = await api.call('POST', '/v1/accounts/anna/top-ups', topUp, {
        headers: { 'content-encoding': encoding },
      });
      expect([encoding, response.status, response.body.code]).toEqual([
        encoding,
        400,
        'MALFORMED_CONTENT_ENCODING',
      ]);
      expect(response.body.errors[0]).toMatchObject({ field: 'Content-Encoding', rule: 'decodes' });
    }
    const unknown = await api.call('POST', '/v1/accounts/anna/top-ups', topUp, {
      headers: { 'content-encoding': 'compress' },
    });
    expect([unknown.status, unknown.body.code]).toEqual([415, 'UNSUPPORTED_CONTENT_ENCODING']);
    expect(await head()).toBe(before);
    const gzipped = await fetch(`${api.baseUrl}/v1/accounts/anna/top-ups`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${KEYS.service}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body: gzipSync(JSON.stringify({ ...topUp, paymentId: 'p-gzip' })),
    });
    expect(gzipped.status).toBe(201);
  });
});

describe('slow clients and huge bodies (issue 17, defect 6)', () => {
  let api: TestApi;
  let port: number;
  beforeAll(async () => {
    api = await startTestApi(
      '2026-03-20T09:00:00.000Z',
      ':memory:',
      {},
      {
        HTTP_HEADERS_TIMEOUT_MS: '500',
        HTTP_REQUEST_TIMEOUT_MS: '1000',
      },
    );
    port = Number(new URL(api.baseUrl).port);
  });
  afterAll(() => api.close());

  const auth = `Authorization: Bearer ${KEYS.service}\r\n`;

  it('cuts a client that never finishes its headers after HTTP_HEADERS_TIMEOUT_MS', async () => {
    const answer = await rawExchange(port, `POST /v1/accounts HTTP/1.1\r\nHost: x\r\n${auth}`);
    expect(answer.closed).toBe(true);
    expect(statusOf(answer.text)).toBe(408);
    expect(answer.ms).toBeGreaterThanOrEqual(450);
    expect(answer.ms).toBeLessThan(2000);
  });

  it('cuts a body that is still arriving after HTTP_REQUEST_TIMEOUT_MS, however steadily it trickles', async () => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.write(
      `POST /v1/accounts HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
    );
    // A byte every 100 ms: never idle, never done.
    const trickle = setInterval(() => socket.writable && socket.write(' '), 100);
    const ms = await new Promise<number>((resolve) =>
      socket.on('close', () => resolve(Date.now() - started)),
    );
    clearInterval(trickle);
    expect(statusOf(text)).toBe(408);
    expect(problemOf(text)).toMatchObject({
      code: 'REQUEST_TIMEOUT',
      errors: [{ field: 'body', rule: 'requestTimeout' }],
    });
    expect(text.toLowerCase()).toContain('content-type: application/problem+json');
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(2500);
  });

  it('does not count the time a handler takes: a slow answer to a quick request is not cut', async () => {
    // The store takes 1.5 s to append: the handler outlives HTTP_REQUEST_TIMEOUT_MS (1 s).
    const append = api.store.append.bind(api.store);
    api.store.append = async (...args) => {
      api.store.append = append;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return append(...args);
    };
    const started = Date.now();
    const response = await api.call('POST', '/v1/accounts', individual('slow'));
    expect(response.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });

  it('refuses a Content-Length far over the limit at once with 413 and closes, without draining it', async () => {
    const answer = await rawExchange(
      port,
      `POST /v1/accounts HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n`,
      { body: '{"accountId":' },
    );
    expect(statusOf(answer.text)).toBe(413);
    expect(problemOf(answer.text)).toMatchObject({ code: 'BODY_TOO_LARGE' });
    expect(answer.text.toLowerCase()).toContain('connection: close');
    expect(answer.closed).toBe(true);
    expect(answer.ms).toBeLessThan(500);
  });

  it('keeps serving ordinary requests on the same server', async () => {
    expect((await fetch(`${api.baseUrl}/health`)).status).toBe(200);
    const opened = await api.call('POST', '/v1/accounts', individual('quick'));
    expect(opened.status).toBe(201);
  });
});
