import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { TimelineCommand } from '../../domain/ledger/ledger-commands.js';
import { LedgerBook } from '../ledger-book.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';

/**
 * The commands a timeline's deadline sends when it comes due. Each is decided in the ledger period of its
 * deadline and re-checks the account's state there, so a debt paid meanwhile makes it a no-op.
 */
abstract class DeadlineCommand<T extends TimelineCommand['type']> extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    /** The deadline's due time: the command is decided in the period that contains it. */
    readonly dueAt: string,
    readonly command: Extract<TimelineCommand, { type: T }>,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** A notice that the account will be suspended in N days unless paid. */
export class SendSuspensionNotice extends DeadlineCommand<'SendSuspensionNotice'> {}
/** Funds exhausted and still unpaid at the suspension date: suspend. */
export class SuspendIfUnpaid extends DeadlineCommand<'SuspendIfUnpaid'> {}
/** A bill still unpaid the day after its due date: suspend. */
export class SuspendIfBillOverdue extends DeadlineCommand<'SuspendIfBillOverdue'> {}
/** A day of late-payment penalty on the overdue debt (capped; never on penalties). */
export class AccruePenalty extends DeadlineCommand<'AccruePenalty'> {}
/** Still suspended on the deletion date: block (deletion follows). */
export class BlockIfStillSuspended extends DeadlineCommand<'BlockIfStillSuspended'> {}
/** Frozen long enough: the frozen objects are queued for deletion. */
export class QueueFrozenObjects extends DeadlineCommand<'QueueFrozenObjects'> {}
/** Frozen long enough: object storage is blocked. */
export class BlockObjectStorage extends DeadlineCommand<'BlockObjectStorage'> {}
/** Frozen long enough: object storage is deleted. */
export class DeleteObjectStorage extends DeadlineCommand<'DeleteObjectStorage'> {}
/** An auto top-up refused by the gateway: asked again if still needed (the profile's retry policy). */
export class RetryAutoTopUp extends DeadlineCommand<'RetryAutoTopUp'> {}

abstract class DeadlineCommandHandler<T extends TimelineCommand['type']> implements ICommandHandler<
  DeadlineCommand<T>
> {
  constructor(@Inject(LedgerBook) private readonly ledger: LedgerBook) {}

  execute({ accountId, dueAt, command, meta }: DeadlineCommand<T>): Promise<CommandOutcome> {
    return this.ledger.decide(accountId, dueAt, command, meta);
  }
}

@CommandHandler(SendSuspensionNotice)
export class SendSuspensionNoticeHandler extends DeadlineCommandHandler<'SendSuspensionNotice'> {}
@CommandHandler(SuspendIfUnpaid)
export class SuspendIfUnpaidHandler extends DeadlineCommandHandler<'SuspendIfUnpaid'> {}
@CommandHandler(SuspendIfBillOverdue)
export class SuspendIfBillOverdueHandler extends DeadlineCommandHandler<'SuspendIfBillOverdue'> {}
@CommandHandler(AccruePenalty)
export class AccruePenaltyHandler extends DeadlineCommandHandler<'AccruePenalty'> {}
@CommandHandler(BlockIfStillSuspended)
export class BlockIfStillSuspendedHandler extends DeadlineCommandHandler<'BlockIfStillSuspended'> {}
@CommandHandler(QueueFrozenObjects)
export class QueueFrozenObjectsHandler extends DeadlineCommandHandler<'QueueFrozenObjects'> {}
@CommandHandler(BlockObjectStorage)
export class BlockObjectStorageHandler extends DeadlineCommandHandler<'BlockObjectStorage'> {}
@CommandHandler(DeleteObjectStorage)
export class DeleteObjectStorageHandler extends DeadlineCommandHandler<'DeleteObjectStorage'> {}
@CommandHandler(RetryAutoTopUp)
export class RetryAutoTopUpHandler extends DeadlineCommandHandler<'RetryAutoTopUp'> {}

export const DEADLINE_COMMAND_HANDLERS = [
  SendSuspensionNoticeHandler,
  SuspendIfUnpaidHandler,
  SuspendIfBillOverdueHandler,
  AccruePenaltyHandler,
  BlockIfStillSuspendedHandler,
  QueueFrozenObjectsHandler,
  BlockObjectStorageHandler,
  DeleteObjectStorageHandler,
  RetryAutoTopUpHandler,
];

const DEADLINE_COMMANDS = {
  SendSuspensionNotice,
  SuspendIfUnpaid,
  SuspendIfBillOverdue,
  AccruePenalty,
  BlockIfStillSuspended,
  QueueFrozenObjects,
  BlockObjectStorage,
  DeleteObjectStorage,
  RetryAutoTopUp,
} as const;

/** The named command for a timeline command planned as data in a deadline row. */
export function deadlineCommand(
  accountId: string,
  dueAt: string,
  command: TimelineCommand,
  meta: CommandMeta,
): Command<CommandOutcome> {
  const Named = DEADLINE_COMMANDS[command.type] as new (
    accountId: string,
    dueAt: string,
    command: TimelineCommand,
    meta: CommandMeta,
  ) => Command<CommandOutcome>;
  return new Named(accountId, dueAt, command, meta);
}
