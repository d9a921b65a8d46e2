import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AnswerAutoTopUp } from './answer-auto-top-up.command.js';
import { AnswerAutoTopUpDto } from './answer-auto-top-up.dto.js';

/** The payment gateway's callback: its answer to an auto top-up request. */
@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller('v1/payment-gateway/auto-top-ups/:requestId')
export class AnswerAutoTopUpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @RequireScopes('payments:write')
  @ApiCommand({
    summary: "The payment gateway's answer to an auto top-up",
    description:
      '`succeeded` books the top-up once; `failed` records the failure and, per the profile, a retry.',
    status: 200,
    params: [
      {
        name: 'requestId',
        description: 'The auto top-up request (`<account>-atu-<n>`)',
        example: 'anna-atu-1',
      },
    ],
    body: AnswerAutoTopUpDto,
    examples: { succeeded: { value: { status: 'succeeded' } } },
  })
  answer(@Param('requestId') requestId: string, @Body() body: AnswerAutoTopUpDto, @Meta() meta: CommandMeta) {
    const answer =
      body.status === 'succeeded'
        ? ({ status: 'succeeded' } as const)
        : ({ status: 'failed', reason: body.reason ?? 'refused by the gateway' } as const);
    return this.commands.execute(new AnswerAutoTopUp(requestId, answer, meta));
  }
}
