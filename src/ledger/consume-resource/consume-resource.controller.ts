import { ARRAY, ApiCapability, ApiCommand, objectWith } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { toProblem, validationProblem } from '../../platform/http/problem-details.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { ConsumeResource } from './consume-resource.command.js';
import { ConsumeResourceDto, UsageBatchDto, UsageRecordDto } from './consume-resource.dto.js';

type RecordResult =
  | { index: number; usageRecordId?: string; result: 'accepted' | 'duplicate'; eventTypes: string[] }
  | {
      index: number;
      usageRecordId?: string;
      result: 'rejected';
      code: string;
      reason: string;
      field?: string;
    };

@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller()
export class ConsumeResourceController {
  constructor(private readonly commands: CommandBus) {}

  @Post('v1/accounts/:accountId/usage')
  @HttpCode(201)
  @RequireScopes('usage:write')
  @ApiCommand({
    summary: 'Record usage',
    description:
      'One usage record, charged at the catalog price of its window; the same record id twice is charged once.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    body: ConsumeResourceDto,
    examples: {
      vcpu: {
        value: {
          usageRecordId: 'vm-42-2026-03-10T10',
          sku: 'compute.vcpu.hour',
          quantity: '1000',
          windowStart: '2026-03-10T10:00:00+03:00',
          windowEnd: '2026-03-10T11:00:00+03:00',
        },
      },
      inAProject: {
        value: {
          usageRecordId: 'vm-43-2026-03-10T10',
          sku: 'compute.vcpu.hour',
          quantity: '2',
          windowStart: '2026-03-10T10:00:00+03:00',
          windowEnd: '2026-03-10T11:00:00+03:00',
          project: 'shop-prod',
          resourceId: 'vm-43',
          labels: { env: 'prod', team: 'web' },
        },
      },
    },
  })
  consume(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: ConsumeResourceDto,
    @Meta() meta: CommandMeta,
  ): Promise<CommandOutcome> {
    return this.commands.execute(this.command(accountId, body, meta));
  }

  /** Many usage records in one request, each with its own result; records run concurrently. */
  @Post('v1/usage/batch')
  @HttpCode(200)
  @RequireScopes('usage:write')
  @ApiCommand({
    summary: 'Record usage in a batch',
    description:
      'Up to 1 000 records for any accounts, each answered accepted, duplicate or rejected with a reason.',
    status: 200,
    body: UsageBatchDto,
    examples: {
      twoRecords: {
        value: {
          records: [
            {
              accountId: 'romashka',
              usageRecordId: 'vm-42-ram-1',
              sku: 'compute.ram.gb.hour',
              quantity: '1000',
              windowStart: '2026-03-10T10:00:00+03:00',
              windowEnd: '2026-03-10T11:00:00+03:00',
            },
            {
              accountId: 'anna',
              usageRecordId: 'anna-vm-1',
              sku: 'compute.vcpu.hour',
              quantity: '400',
              windowStart: '2026-03-10T10:00:00+03:00',
              windowEnd: '2026-03-10T11:00:00+03:00',
            },
            {
              accountId: 'kaz-tech',
              usageRecordId: 'kz-vm-1',
              sku: 'compute.vcpu.hour',
              quantity: '100',
              windowStart: '2026-03-10T10:00:00+03:00',
              windowEnd: '2026-03-10T11:00:00+03:00',
            },
            {
              accountId: 'romashka',
              usageRecordId: 'disk-7-1',
              sku: 'storage.ssd.gb.hour',
              quantity: '100',
              windowStart: '2026-03-10T10:00:00+03:00',
              windowEnd: '2026-03-10T11:00:00+03:00',
            },
          ],
        },
      },
    },
    response: objectWith({ results: ARRAY }),
  })
  async batch(@Body() body: UsageBatchDto, @Meta() meta: CommandMeta) {
    const results = await Promise.all(
      body.records.map(async (raw, index): Promise<RecordResult> => {
        const record = plainToInstance(UsageRecordDto, raw);
        const usageRecordId = typeof record.usageRecordId === 'string' ? record.usageRecordId : undefined;
        const errors = validateSync(record, { whitelist: true, forbidNonWhitelisted: true });
        if (errors.length > 0) {
          const problem = validationProblem(errors).problem;
          return {
            index,
            usageRecordId,
            result: 'rejected',
            code: problem.code,
            reason: problem.detail ?? '',
            field: problem.errors?.[0]?.field,
          };
        }
        try {
          const outcome = await this.commands.execute(
            this.command(record.accountId, record, { ...meta, commandId: `${meta.commandId}/${index}` }),
          );
          return { index, usageRecordId, result: outcome.status, eventTypes: outcome.eventTypes };
        } catch (error) {
          const problem = toProblem(error);
          if (problem.status >= 500) throw error;
          return {
            index,
            usageRecordId,
            result: 'rejected',
            code: problem.code,
            reason: problem.detail ?? problem.title,
            field: problem.errors?.[0]?.field,
          };
        }
      }),
    );
    const count = (result: RecordResult['result']) => results.filter((r) => r.result === result).length;
    return {
      accepted: count('accepted'),
      duplicate: count('duplicate'),
      rejected: count('rejected'),
      results,
    };
  }

  private command(accountId: string, body: ConsumeResourceDto, meta: CommandMeta) {
    const { usageRecordId, sku, quantity, windowStart, windowEnd, project, resourceId, labels } = body;
    return new ConsumeResource(
      accountId,
      {
        usageRecordId,
        sku,
        quantity,
        windowStart,
        windowEnd,
        ...(project !== undefined ? { project } : {}),
        ...(resourceId !== undefined ? { resourceId } : {}),
        ...(labels !== undefined ? { labels: { ...labels } } : {}),
      },
      meta,
    );
  }
}
