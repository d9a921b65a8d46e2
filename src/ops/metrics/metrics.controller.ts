import { Controller, Get, Header, Inject, Optional } from '@nestjs/common';
import { CommandMetrics } from '../../platform/commands/command-metrics.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { ReadModels } from '../../../projections/queries/read-models.js';
import { ProjectionOperations } from '../projections/projection-operations.js';
import { EventTypeMetrics } from './event-type-metrics.handler.js';

/**
 * Prometheus text format (commands, events, reads answered from the log instead of their read model, and
 * projections); scrape with the ops key (Authorization: Bearer …).
 */
@Controller()
export class MetricsController {
  constructor(
    @Inject(ProjectionOperations) private readonly ops: ProjectionOperations,
    @Optional() @Inject(CommandMetrics) private readonly commands?: CommandMetrics,
    @Optional() @Inject(EventTypeMetrics) private readonly events?: EventTypeMetrics,
    @Optional() @Inject(ReadModels) private readonly reads?: ReadModels,
  ) {}

  @Get('metrics')
  @RequireScopes('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics() {
    return (
      (this.commands?.render() ?? '') +
      (this.events?.render() ?? '') +
      (this.reads?.render() ?? '') +
      (await this.ops.metrics())
    );
  }
}
