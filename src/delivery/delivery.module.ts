import { ChangeOwnerEmailController } from './change-owner-email/change-owner-email.controller.js';
import { ChangeOwnerEmailHandler } from './change-owner-email/change-owner-email.command.js';

/** Delivery's HTTP routes (the composition root adds them to CONTROLLERS). */
export const DELIVERY_CONTROLLERS = [ChangeOwnerEmailController];

/** Delivery's named commands. */
export const DELIVERY_COMMAND_HANDLERS = [ChangeOwnerEmailHandler];
