import type { LoggerService } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { callerLabel, type Role } from './auth/api-keys.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** One JSON object per line. Messages never carry request bodies, so no personal data reaches the logs. */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly minimum: Level = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  private emit(level: Level, message: unknown, context?: unknown, extra: Record<string, unknown> = {}) {
    if (ORDER[level] < ORDER[this.minimum]) return;
    this.write(
      JSON.stringify({
        time: new Date().toISOString(),
        level,
        ...(typeof context === 'string' ? { context } : {}),
        message: typeof message === 'string' ? message : JSON.stringify(message),
        ...extra,
      }),
    );
  }

  log(message: unknown, context?: unknown) {
    this.emit('info', message, context);
  }
  error(message: unknown, trace?: unknown, context?: unknown) {
    this.emit('error', message, context, typeof trace === 'string' ? { trace } : {});
  }
  warn(message: unknown, context?: unknown) {
    this.emit('warn', message, context);
  }
  debug(message: unknown, context?: unknown) {
    this.emit('debug', message, context);
  }
  verbose(message: unknown, context?: unknown) {
    this.emit('debug', message, context);
  }

  /** Access log: method, route, status, duration, caller and correlation id — never the body. */
  requests() {
    return (request: Request, response: Response, next: NextFunction) => {
      const started = process.hrtime.bigint();
      const header = request.headers['x-correlation-id'];
      const correlationId = typeof header === 'string' && header.length <= 128 ? header : randomUUID();
      request.headers['x-correlation-id'] = correlationId;
      response.setHeader('x-correlation-id', correlationId);
      response.on('finish', () => {
        const caller = (request as Request & { caller?: { name: string; role?: Role } }).caller;
        this.emit(response.statusCode >= 500 ? 'error' : 'info', 'request', 'HTTP', {
          method: request.method,
          path: request.route?.path ?? request.path,
          status: response.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          correlationId,
          ...(caller ? { caller: callerLabel(caller) } : {}),
        });
      });
      next();
    };
  }
}
