import { IsInstant } from '../../platform/http/validators.js';

export class AdvanceClockDto {
  /** The virtual time to move to; every deadline due by then fires on the way, in order. */
  @IsInstant()
  to!: string;
}
