import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * A real SMTP server in this process (no TLS, no auth): what the engine's nodemailer sends lands here.
 * `onMail` is called with each message once its data has arrived and before the server answers 250 (the
 * answer waits for a promise it returns): a crash test kills the sender there — the message is received,
 * the sender never hears so.
 */
export async function startSmtp(): Promise<{
  url: string;
  mails: ReceivedMail[];
  onMail: ((mail: ReceivedMail) => unknown) | undefined;
  close(): Promise<void>;
}> {
  const mails: ReceivedMail[] = [];
  let onMail: ((mail: ReceivedMail) => unknown) | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        };
        mails.push(mail);
        // Answering a connection the sender has already lost writes nothing (smtp-server checks the socket).
        void Promise.resolve(onMail?.(mail)).then(
          () => callback(),
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server as unknown as { server: Server }).server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    get onMail() {
      return onMail;
    },
    set onMail(handler) {
      onMail = handler;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A header of a message (its first value), e.g. `x-billing-delivery-id`. */
export function headerOf(raw: string, name: string): string | undefined {
  return new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(mimeParts(raw).headers)?.[1]?.trim();
}

/** The headers, then each MIME part of a message: its headers and decoded body. */
export function mimeParts(raw: string): {
  headers: string;
  parts: Array<{ headers: string; body: Buffer }>;
} {
  const [headers] = raw.split(/\r?\n\r?\n/);
  const unfolded = headers!.replace(/\r?\n[ \t]+/g, ' ');
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(unfolded)?.[1];
  if (!boundary) return { headers: unfolded, parts: [] };
  const parts = raw
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const trimmed = part.replace(/^\r?\n/, '');
      const at = trimmed.search(/\r?\n\r?\n/);
      const partHeaders = trimmed.slice(0, at).replace(/\r?\n[ \t]+/g, ' ');
      const bodyText = trimmed.slice(at).trim();
      const body = /content-transfer-encoding:\s*base64/i.test(partHeaders)
        ? Buffer.from(bodyText.replace(/\s+/g, ''), 'base64')
        : Buffer.from(bodyText, 'utf8');
      return { headers: partHeaders, body };
    });
  return { headers: unfolded, parts };
}

/**
 * A MIME header parameter's value (`filename`, `name`): quoted or bare, or split in RFC 2231 continuations
 * (`filename*0=…; filename*1=…`, a `*` after the index marking a percent-encoded piece) as mailers do with
 * long names.
 */
export function mimeParameter(headers: string, name: string): string | undefined {
  const whole = new RegExp(`;\\s*${name}=(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(headers);
  if (whole) return whole[1] ?? whole[2];
  const pieces = [
    ...headers.matchAll(new RegExp(`;\\s*${name}\\*(\\d+)?(\\*?)=(?:"([^"]*)"|([^;\\s]+))`, 'gi')),
  ]
    .map((m) => ({ index: Number(m[1] ?? 0), encoded: m[2] === '*', value: m[3] ?? m[4] ?? '' }))
    .sort((a, b) => a.index - b.index);
  if (pieces.length === 0) return undefined;
  return pieces
    .map(({ index, encoded, value }) => {
      const text = index === 0 && encoded ? value.replace(/^[^']*'[^']*'/, '') : value;
      return encoded ? decodeURIComponent(text) : text;
    })
    .join('');
}

/** The attached files of a message, in order: the file name its Content-Disposition gives, and the bytes. */
export function attachmentsOf(raw: string): Array<{ filename: string; headers: string; body: Buffer }> {
  return mimeParts(raw)
    .parts.filter((p) => /content-disposition:\s*attachment/i.test(p.headers))
    .map((p) => {
      // The part's headers are unfolded: one header a line.
      const disposition = /^content-disposition:(.*)$/im.exec(p.headers)?.[1] ?? '';
      return { filename: mimeParameter(disposition, 'filename') ?? '', headers: p.headers, body: p.body };
    });
}

export interface ReceivedCall {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  status: number;
}

/**
 * A real HTTP webhook receiver. `failFirst`: each delivery id is answered 503 that many times before 200
 * (a receiver that is down for a while). Every call is recorded, failed or not.
 */
export async function startReceiver(options: { failFirst?: number } = {}) {
  const calls: ReceivedCall[] = [];
  const seen = new Map<string, number>();
  let onCall: ((call: ReceivedCall) => void) | undefined;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const id = String(request.headers['x-billing-delivery-id']);
      const count = (seen.get(id) ?? 0) + 1;
      seen.set(id, count);
      const status = count <= (options.failFirst ?? 0) ? 503 : 200;
      const call = {
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
        status,
      };
      calls.push(call);
      onCall?.(call);
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/billing`,
    calls,
    /** Called for each call before it is answered (a crash test kills the sender there). */
    set onCall(handler: ((call: ReceivedCall) => void) | undefined) {
      onCall = handler;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a receiver does: recompute HMAC-SHA256 over `<timestamp>.<body>` and compare in constant time. */
export function signatureValid(call: ReceivedCall, secret: string): boolean {
  const timestamp = String(call.headers['x-billing-timestamp']);
  const given = String(call.headers['x-billing-signature']);
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${call.body}`).digest('hex')}`;
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** Polls `check` until it holds (or fails after `timeoutMs`). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
