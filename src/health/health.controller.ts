import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { Public } from '../http/auth/roles.js';

@Controller()
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly eventStore: EventStore) {}

  /** Liveness: the process answers. */
  @Get('health')
  @Public()
  health() {
    return { status: 'ok' };
  }

  /** Readiness: the event store answers. */
  @Get('ready')
  @Public()
  async ready() {
    try {
      const head = await this.eventStore.headPosition();
      return { status: 'ready', eventStore: { headPosition: head?.toString() ?? null } };
    } catch (error) {
      throw new HttpException(
        { status: 'not-ready', eventStore: { error: (error as Error).message } },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
  }
}
