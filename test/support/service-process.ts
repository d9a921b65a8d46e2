import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hashApiKey } from '../../src/platform/http/auth/api-keys.js';
import { KEYS } from './api.js';
import { spawnTs } from './child-process.js';

const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface Service {
  child: ChildProcess;
  baseUrl: string;
  port: number;
  /** Every JSON line the service logged to stdout. */
  logs: Array<{ level: string; message: string; context?: string }>;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs src/main.ts as `npm start` would, and resolves once it listens. */
export async function startService(dataDir: string, env: Record<string, string> = {}): Promise<Service> {
  const child = spawnTs(main, [], {
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0', // the service logs the port the system chose
    LOG_LEVEL: 'info',
    API_KEYS: `test-service:service:${hashApiKey(KEYS.service)},test-ops:ops:${hashApiKey(KEYS.ops)}`,
    ...env,
  });
  const logs: Service['logs'] = [];
  let stderr = '';
  let buffer = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        logs.push(JSON.parse(line));
        const url = /listening on (http:\/\/\S+)/.exec(logs.at(-1)!.message)?.[1];
        if (url) resolve(url);
      }
    });
    void exited.then(() => reject(new Error(`the service exited before listening: ${stderr}`)));
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const baseUrl = await listening;
  return { child, baseUrl, port: Number(new URL(baseUrl).port), logs, stderr: () => stderr, exited };
}

/** One HTTP request to a running service with an API key: its status, raw text and JSON body (when JSON). */
export async function callService(
  service: Service,
  method: string,
  path: string,
  body?: unknown,
  key: string = KEYS.service,
): Promise<{ status: number; text: string; body: any }> {
  const response = await fetch(service.baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, text, body: text.startsWith('{') ? JSON.parse(text) : undefined };
}

/** Polls `check` every 50 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
