import { ApiCapability, ApiCommand, ApiRead, STRING, objectWith } from '../../platform/http/api-contract.js';
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

/** A replay, rebuild or resume request (ProjectionOperations). */
const PROJECTION_REQUEST = objectWith({
  id: { type: 'string', format: 'uuid' },
  name: STRING,
  kind: STRING,
  requestedAt: { type: 'string', format: 'date-time' },
  state: STRING,
});
/** One projection or worker: where it is and how far behind. */
const PROJECTION = objectWith({
  name: STRING,
  kind: { type: 'string', enum: ['projection', 'worker'] },
  state: STRING,
  holder: { type: 'string', nullable: true },
  lagPositions: { type: 'integer' },
  lagSeconds: { type: 'number' },
});

/**
 * Projections for ops: status with lag and the last error, and the requests the holder of each projection
 * carries out (replay as a blue/green rebuild, resume after a failure). Requests answer 202 with where to
 * follow them.
 */
@ApiCapability('Ops', 400, 404, 409)
@Controller('v1/ops/projections')
export class ProjectionsController {
  constructor(@Inject(ProjectionOperations) private readonly ops: ProjectionOperations) {}

  @RequireScopes('ops')
  @Get()
  @ApiRead({
    summary: 'Projections and workers',
    description: 'State, holder and lag of each.',
    response: objectWith({ projections: { type: 'array', items: PROJECTION } }),
  })
  async list() {
    return { projections: await this.ops.status() };
  }

  @RequireScopes('ops')
  @Get('requests/:id')
  @ApiRead({
    summary: 'A replay or rebuild request',
    params: [{ name: 'id', description: 'The request id (a UUID)' }],
    response: PROJECTION_REQUEST,
  })
  async request(@Param('id') id: string) {
    const request = /^[0-9a-f-]{36}$/.test(id) ? await this.ops.request(id) : undefined;
    if (!request) throw problem(404, 'NOT_FOUND', 'Not found', `No projection request ${id}`);
    return request;
  }

  @RequireScopes('ops')
  @Get(':name')
  @ApiRead({
    summary: 'One projection',
    params: [{ name: 'name', description: 'A projection or worker', example: 'account-status' }],
    response: PROJECTION,
  })
  async status(@Param('name') name: string) {
    const report = NAME.test(name) ? await this.ops.statusOf(name) : undefined;
    if (!report) throw this.unknown(name);
    return report;
  }

  @RequireScopes('ops')
  @Post('rebuild')
  @HttpCode(202)
  @ApiCommand({
    summary: 'Rebuild every read model',
    description: 'Each is rebuilt from the log beside the live one and swapped in when caught up.',
    status: 202,
    query: [
      {
        name: 'requireIdentical',
        description: 'true: refuse to swap in a rebuilt read model that differs',
        schema: { type: 'string', enum: ['true', 'false'] },
      },
    ],
    response: objectWith({ requests: { type: 'array', items: PROJECTION_REQUEST } }),
  })
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
  @ApiCommand({
    summary: 'Replay one read model',
    status: 202,
    params: [{ name: 'name', description: 'A projection or worker', example: 'account-status' }],
    query: [
      {
        name: 'requireIdentical',
        description: 'true: refuse to swap in a rebuilt read model that differs',
        schema: { type: 'string', enum: ['true', 'false'] },
      },
    ],
    response: PROJECTION_REQUEST,
  })
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
  @ApiCommand({
    summary: 'Resume a stopped projection',
    description: 'After its poison event was dealt with.',
    status: 202,
    params: [{ name: 'name', description: 'A projection or worker', example: 'account-status' }],
    response: PROJECTION_REQUEST,
  })
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
