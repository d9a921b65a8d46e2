import { ApiTags } from '@nestjs/swagger';
import { ApiProblems, ApiRead, TEXT } from '../../platform/http/api-contract.js';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { prometheusContentType } from 'prom-client';
import { ServiceMetrics } from '../../platform/metrics/service-metrics.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';

/**
 * The Prometheus text format, written by prom-client from the service's one registry (commands, HTTP,
 * deadlines, documents, events, idempotent replays, projections and workers, the process and the runtime);
 * scrape with a key holding the `metrics` scope (Authorization: Bearer …).
 */
// Not ApiCapability: /metrics is exempt from the rate limit, so it never answers 429.
@ApiTags('Ops')
@ApiProblems(401, 403)
@Controller()
export class MetricsController {
  constructor(@Inject(ServiceMetrics) private readonly metrics: ServiceMetrics) {}

  @Get('metrics')
  @RequireScopes('metrics')
  @Header('Content-Type', prometheusContentType)
  @ApiRead({ summary: 'Prometheus metrics', produces: TEXT('text/plain') })
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
