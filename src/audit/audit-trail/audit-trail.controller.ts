import {
  ARRAY,
  ApiCapability,
  ApiCommand,
  ApiRead,
  PAGE_QUERIES,
  STRING,
  TEXT,
  objectWith,
} from '../../platform/http/api-contract.js';
import { Controller, Get, Header, HttpCode, Inject, Optional, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../platform/event-store/event-store.port.js';
import {
  accountStream,
  LEDGER_STREAM_PREFIX,
  pricingStream,
} from '../../platform/event-store/stream-names.js';
import { LogAnchor } from '../../platform/event-store/anchor/log-anchor.js';
import { verifyAccount } from './account-verification.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { problem } from '../../platform/http/problem-details.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';

const MAX_PAGE = 1000;

function page(limit: string | undefined, after: string | undefined) {
  const size = limit === undefined ? 100 : Number.parseInt(limit, 10);
  if (!/^\d{1,4}$/.test(limit ?? '100') || size < 1 || size > MAX_PAGE) {
    throw problem(
      400,
      'VALIDATION_FAILED',
      'The request is invalid',
      `limit must be an integer from 1 to ${MAX_PAGE}`,
      {
        errors: [
          { field: 'limit', rule: 'range', message: `limit must be an integer from 1 to ${MAX_PAGE}` },
        ],
      },
    );
  }
  if (after !== undefined && !/^\d{1,20}$/.test(after)) {
    throw problem(
      400,
      'VALIDATION_FAILED',
      'The request is invalid',
      'after must be a global position (digits)',
      {
        errors: [{ field: 'after', rule: 'pattern', message: 'after must be a global position (digits)' }],
      },
    );
  }
  return { size, after: after === undefined ? undefined : BigInt(after) };
}

/** An event as auditors see it: the fact and who caused it, when, and where it sits in the log. */
export function auditView(event: RecordedEvent) {
  return {
    position: event.position.toString(),
    streamId: event.streamId,
    revision: event.revision,
    eventId: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    storedAt: event.storedAt.toISOString(),
  };
}

const CSV_COLUMNS = [
  'position',
  'streamId',
  'revision',
  'eventId',
  'type',
  'recordedAt',
  'effectiveAt',
  'actor',
  'commandId',
  'correlationId',
  'causationId',
  'data',
];

const csvCell = (value: unknown) => {
  const text =
    value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Read-only access to the history for auditors (and ops): pages, exports and tamper checks. */
@ApiCapability('Audit', 400, 404)
@Controller('v1/audit')
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(LogAnchor) private readonly anchor?: LogAnchor,
  ) {}

  private accountFilter(accountId: string) {
    return {
      streamPrefixes: [
        accountStream(accountId),
        `${LEDGER_STREAM_PREFIX}${accountId}@`,
        // Per-account pricing: discounts and commitments are part of the account's history.
        pricingStream(accountId),
      ],
    };
  }

  private async accountEvents(accountId: string, limit?: string, after?: string) {
    const { size, after: afterPosition } = page(limit, after);
    const events = await this.store.readAll({
      afterPosition,
      maxCount: size,
      filter: this.accountFilter(accountId),
    });
    return events.filter(
      (e) =>
        e.streamId === accountStream(accountId) ||
        e.streamId.startsWith(`${LEDGER_STREAM_PREFIX}${accountId}@`) ||
        e.streamId === pricingStream(accountId),
    );
  }

  /** An account's whole history in log order, paged by position (`after` = last position seen). */
  @Get('accounts/:accountId/events')
  @RequireScopes('audit')
  @ApiRead({
    summary: "An account's event history",
    description:
      'Every event of the account and its ledger periods in log order, with metadata (who, when recorded, when effective), paged by position.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    query: PAGE_QUERIES,
    response: objectWith({ events: ARRAY, next: { type: 'string', nullable: true } }),
  })
  async accountHistory(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ) {
    const events = await this.accountEvents(accountId, limit, after);
    return { events: events.map(auditView), next: events.at(-1)?.position.toString() ?? null };
  }

  /** The global feed of every event, paged by position. */
  @Get('events')
  @RequireScopes('audit')
  @ApiRead({
    summary: 'The global event feed',
    query: PAGE_QUERIES,
    response: objectWith({ events: ARRAY, next: { type: 'string', nullable: true } }),
  })
  async feed(@Query('limit') limit?: string, @Query('after') after?: string) {
    const { size, after: afterPosition } = page(limit, after);
    const events = await this.store.readAll({ afterPosition, maxCount: size });
    return { events: events.map(auditView), next: events.at(-1)?.position.toString() ?? null };
  }

  /** Export of an account's history as JSON Lines or CSV. */
  @Get('accounts/:accountId/export')
  @RequireScopes('audit')
  @ApiRead({
    summary: "Export an account's history",
    description: 'JSON Lines (default) or CSV, every event with its metadata.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    query: [
      {
        name: 'format',
        description: 'jsonl (default) or csv',
        schema: { type: 'string', enum: ['jsonl', 'csv'], default: 'jsonl' },
      },
    ],
    produces: { ...TEXT('application/x-ndjson'), ...TEXT('text/csv') },
  })
  async export(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Res() response: Response,
    @Query('format') format = 'jsonl',
  ) {
    if (format !== 'jsonl' && format !== 'csv') {
      throw problem(400, 'VALIDATION_FAILED', 'The request is invalid', 'format must be jsonl or csv', {
        errors: [{ field: 'format', rule: 'isIn', message: 'format must be jsonl or csv' }],
      });
    }
    const lines: string[] = format === 'csv' ? [CSV_COLUMNS.join(',')] : [];
    let after: string | undefined;
    for (;;) {
      const events = await this.accountEvents(accountId, String(MAX_PAGE), after);
      for (const event of events) {
        const view = auditView(event);
        if (format === 'jsonl') lines.push(JSON.stringify(view));
        else {
          const m = event.metadata;
          lines.push(
            [
              view.position,
              view.streamId,
              view.revision,
              view.eventId,
              view.type,
              m.recordedAt,
              m.effectiveAt,
              m.actor,
              m.commandId,
              m.correlationId,
              m.causationId,
              view.data,
            ]
              .map(csvCell)
              .join(','),
          );
        }
      }
      if (events.length < MAX_PAGE) break;
      after = events.at(-1)!.position.toString();
    }
    response
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
      .setHeader('content-disposition', `attachment; filename="${accountId}-events.${format}"`);
    response.send(lines.join('\n') + (lines.length ? '\n' : ''));
  }

  /**
   * Recomputes each of the account's stream hash chains (its account, its ledger periods and the claims of
   * its payment ids) and reports the first broken event; with the log anchor, also compares them with the
   * latest signed checkpoint, which catches what a chain cannot: a stream cut short or deleted, an event edited
   * with its chain recomputed, a changed stored_at or position.
   */
  @Get('accounts/:accountId/verify')
  @RequireScopes('audit')
  @Header('cache-control', 'no-store')
  @ApiRead({
    summary: "Verify an account's hash chains",
    description:
      "Each stream's hash chain (account, periods, payment claims) and, with a signed checkpoint, whether anything was cut or rewritten.",
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    response: objectWith({ accountId: STRING, intact: { type: 'boolean' }, streams: ARRAY }),
  })
  verify(@Param('accountId', AccountIdPipe) accountId: string) {
    return verifyAccount(this.store, accountId, this.anchor);
  }

  /** The whole log against the latest signed checkpoint: every manipulation, by stream and position. */
  @Get('verify')
  @RequireScopes('audit')
  @Header('cache-control', 'no-store')
  @ApiRead({
    summary: 'Verify the whole log',
    description: 'The log against the latest signed checkpoint: findings by stream, revision and position.',
    response: objectWith({ intact: { type: 'boolean' }, findings: ARRAY, anchored: { type: 'boolean' } }),
  })
  async verifyLog() {
    if (!this.anchor) return { checkpoint: null, intact: true, findings: [], anchored: false };
    return { ...(await this.anchor.verify()), anchored: true };
  }

  /** Signs a checkpoint now (ops), e.g. before a backup or after a batch import. */
  @Post('checkpoints')
  @RequireScopes('ops')
  @HttpCode(200)
  @ApiCommand({
    summary: 'Sign a checkpoint of the log',
    description:
      '404 when this instance has no log anchor; 409 LOG_TAMPERED when the log does not match the last checkpoint.',
    status: 200,
    response: objectWith({
      signed: { type: 'object', nullable: true },
      latest: { type: 'object', nullable: true },
    }),
  })
  async checkpointNow() {
    if (!this.anchor) throw problem(404, 'NOT_FOUND', 'The log anchor is not configured on this instance');
    const signed = await this.anchor.checkpoint();
    const refusal = this.anchor.refusalReason();
    if (refusal) throw problem(409, 'LOG_TAMPERED', 'The log does not match its signed checkpoint', refusal);
    return { signed: signed ?? null, latest: this.anchor.latestCheckpoint() ?? null };
  }
}
