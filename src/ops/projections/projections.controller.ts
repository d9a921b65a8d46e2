import { Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { problem } from '../../platform/http/problem-details.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { ProjectionOperations, UnknownProjectionError, type ReplayOptions } from './projection-operations.js';

const NAME = /^[a-z0-9-]{1,64}$/;

/** `?requireIdentical=true`: keep the live build (and fail the request) if the rebuilt one differs. */
function replayOptions(requireIdentical: string | undefined): ReplayOptions {
  if (requireIdentical === undefined || requireIdentical === 'false') return {};
  if (requireIdentical === 'true') return { onDifference: 'keep-live' };
  throw problem(
    400,
    'VALIDATION_FAILED',
    'The request is invalid',
    'requireIdentical must be true or false',
    {
      errors: [
        { field: 'requireIdentical', rule: 'isBoolean', message: 'requireIdentical must be true or false' },
      ],
    },
  );
}

/**
 * Projections for ops: status with lag and the last error, and the requests the holder of each projection
 * carries out (replay as a blue/green rebuild, resume after a failure). Requests answer 202 with where to
 * follow them.
 */
@Controller('v1/ops/projections')
export class ProjectionsController {
  constructor(@Inject(ProjectionOperations) private readonly ops: ProjectionOperations) {}

  @RequireScopes('ops')
  @Get()
  async list() {
    return { projections: await this.ops.status() };
  }

  @RequireScopes('ops')
  @Get('requests/:id')
  async request(@Param('id') id: string) {
    const request = /^[0-9a-f-]{36}$/.test(id) ? await this.ops.request(id) : undefined;
    if (!request) throw problem(404, 'NOT_FOUND', 'Not found', `No projection request ${id}`);
    return request;
  }

  @RequireScopes('ops')
  @Get(':name')
  async status(@Param('name') name: string) {
    const report = NAME.test(name) ? await this.ops.statusOf(name) : undefined;
    if (!report) throw this.unknown(name);
    return report;
  }

  @RequireScopes('ops')
  @Post('rebuild')
  @HttpCode(202)
  async rebuildAll(
    @Meta() meta: CommandMeta,
    @Res({ passthrough: true }) response: Response,
    @Query('requireIdentical') requireIdentical?: string,
  ) {
    const requests = await this.ops.requestReplayAll(meta.actor, replayOptions(requireIdentical));
    response.setHeader('Location', '/v1/ops/projections');
    return { requests };
  }

  @RequireScopes('ops')
  @Post(':name/replay')
  @HttpCode(202)
  async replay(
    @Param('name') name: string,
    @Meta() meta: CommandMeta,
    @Res({ passthrough: true }) response: Response,
    @Query('requireIdentical') requireIdentical?: string,
  ) {
    return this.requested(
      () => this.ops.requestReplay(name, meta.actor, replayOptions(requireIdentical)),
      response,
    );
  }

  @RequireScopes('ops')
  @Post(':name/resume')
  @HttpCode(202)
  async resume(
    @Param('name') name: string,
    @Meta() meta: CommandMeta,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.requested(() => this.ops.requestResume(name, meta.actor), response);
  }

  private async requested(make: () => ReturnType<ProjectionOperations['requestReplay']>, response: Response) {
    try {
      const request = await make();
      response.setHeader('Location', `/v1/ops/projections/requests/${request.id}`);
      return request;
    } catch (error) {
      if (error instanceof UnknownProjectionError) throw this.unknown(error.projection);
      throw error;
    }
  }

  private unknown(name: string) {
    return problem(404, 'PROJECTION_NOT_FOUND', 'Not found', `No projection named ${name}`, {
      known: this.ops.projections.map((p) => p.name),
    });
  }
}
