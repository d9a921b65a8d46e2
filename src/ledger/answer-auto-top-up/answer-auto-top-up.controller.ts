import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AnswerAutoTopUp } from './answer-auto-top-up.command.js';
import { AnswerAutoTopUpDto } from './answer-auto-top-up.dto.js';

/** The payment gateway's callback: its answer to an auto top-up request. */
@Controller('v1/payment-gateway/auto-top-ups/:requestId')
export class AnswerAutoTopUpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @RequireScopes('payments:write')
  answer(@Param('requestId') requestId: string, @Body() body: AnswerAutoTopUpDto, @Meta() meta: CommandMeta) {
    const answer =
      body.status === 'succeeded'
        ? ({ status: 'succeeded' } as const)
        : ({ status: 'failed', reason: body.reason ?? 'refused by the gateway' } as const);
    return this.commands.execute(new AnswerAutoTopUp(requestId, answer, meta));
  }
}
