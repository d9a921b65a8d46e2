import { ARRAY, ApiCapability, ApiCommand, ApiRead, objectWith } from '../../platform/http/api-contract.js';
import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { CLOCK, VirtualClock, type Clock } from '../../platform/clock/clock.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { problem } from '../../platform/http/problem-details.js';
import { RunningTimelines } from '../running-timelines.js';
import { AdvanceClockDto } from './advance-clock.dto.js';

/**
 * The engine's clock. With CLOCK=virtual:<start> it is a test clock: ops move it forward and every
 * deadline due on the way — month ends, notices, suspensions, deletions — fires in order, as if the time
 * had passed. On the system clock it can only be read.
 */
@ApiCapability('Ops', 400, 409, 422)
@Controller('v1/ops/clock')
export class AdvanceClockController {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RunningTimelines) private readonly timelines: RunningTimelines,
  ) {}

  @Get()
  @RequireScopes('read')
  @ApiRead({
    summary: "The engine's time",
    response: objectWith({
      now: { type: 'string', format: 'date-time' },
      kind: { type: 'string', enum: ['system', 'virtual'] },
    }),
  })
  now() {
    return {
      kind: this.clock instanceof VirtualClock ? 'virtual' : 'system',
      now: this.clock.now().toISOString(),
    };
  }

  @Post('advance')
  @HttpCode(200)
  @RequireScopes('clock:write')
  @ApiCommand({
    summary: 'Advance the test clock',
    description:
      'Only with CLOCK=virtual:<start>: fires every deadline due on the way, in order; never back.',
    status: 200,
    body: AdvanceClockDto,
    examples: {
      monthEnd: { summary: 'Past the March month end', value: { to: '2026-04-01T09:00:00+03:00' } },
    },
    response: objectWith({
      kind: { type: 'string', enum: ['system', 'virtual'] },
      now: { type: 'string', format: 'date-time' },
      fired: ARRAY,
    }),
  })
  async advance(@Body() { to }: AdvanceClockDto) {
    const clock = this.clock;
    if (!(clock instanceof VirtualClock) || !this.timelines.engine) {
      throw problem(
        409,
        'CLOCK_NOT_VIRTUAL',
        'The clock cannot be moved',
        'The engine runs on the system clock; start it with CLOCK=virtual:<start> for a test clock',
      );
    }
    if (Date.parse(to) < clock.now().getTime()) {
      throw problem(
        422,
        'CLOCK_CANNOT_GO_BACK',
        'The clock cannot go back',
        `to ${to} is before the clock's time ${clock.now().toISOString()}: time in an event log never goes back`,
        {
          errors: [
            {
              field: 'to',
              rule: 'notBeforeNow',
              message: `to must not be before ${clock.now().toISOString()}`,
            },
          ],
        },
      );
    }
    const fired = await this.timelines.engine.advanceTo(to, clock);
    return { kind: 'virtual', now: clock.now().toISOString(), fired };
  }
}
