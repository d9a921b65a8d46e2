import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ServiceMetrics } from '../metrics/service-metrics.js';
import { measureCommand } from './command-metrics.js';

/**
 * Every command — from HTTP, the usage batch, a CLI or a fired deadline — is executed by the one
 * `@nestjs/cqrs` CommandBus; this wraps its `execute` once at start-up so each is counted by its class name
 * and outcome and timed alike, whatever sent it.
 */
@Injectable()
export class InstrumentedCommandBus implements OnModuleInit {
  constructor(
    @Inject(CommandBus) private readonly bus: CommandBus,
    @Inject(ServiceMetrics) private readonly metrics: ServiceMetrics,
  ) {}

  onModuleInit(): void {
    const execute = this.bus.execute.bind(this.bus);
    this.bus.execute = ((command: object, context?: unknown) =>
      measureCommand(this.metrics, command.constructor.name, () =>
        (execute as (c: object, x?: unknown) => Promise<unknown>)(command, context),
      )) as CommandBus['execute'];
  }
}
