/**
 * Webhook subscriptions to document deliveries (issue 13, item 7), configured by ops. The shared secret
 * signs every call (HMAC-SHA256); it lives under `personal` so it is sealed at rest like personal data and
 * never appears in clear in the log.
 */
export type WebhookEvent =
  | {
      type: 'WebhookSubscribed';
      data: { subscriptionId: string; url: string; at: string; personal: { secret: string } };
    }
  | { type: 'WebhookUnsubscribed'; data: { subscriptionId: string; at: string } };

export interface WebhookState {
  subscriptionId?: string;
  url?: string;
  /** Unsealed on read; undefined once the subscription's key is destroyed. */
  secret?: string;
  active: boolean;
  subscribedAt?: string;
  unsubscribedAt?: string;
}

export const initialWebhookState = (): WebhookState => ({ active: false });

export function evolveWebhook(state: WebhookState, event: WebhookEvent): WebhookState {
  switch (event.type) {
    case 'WebhookSubscribed':
      return {
        subscriptionId: event.data.subscriptionId,
        url: event.data.url,
        secret: event.data.personal?.secret,
        active: true,
        subscribedAt: event.data.at,
      };
    case 'WebhookUnsubscribed':
      return { ...state, active: false, unsubscribedAt: event.data.at };
  }
}

type Decision =
  { ok: true; events: WebhookEvent[] } | { ok: false; code: string; message: string; field?: string };

export const WEBHOOK_URL_MAX_LENGTH = 2048;
export const WEBHOOK_URL_RULE =
  'an absolute http:// or https:// URL without credentials (at most 2048 characters)';
export const WEBHOOK_SECRET_PATTERN = /^[\x21-\x7e]{16,256}$/;
export const WEBHOOK_SECRET_RULE = '16 to 256 printable ASCII characters without spaces';

/** The problem with a subscription's URL or secret, naming the field; undefined when both are fine. */
export function checkWebhook(
  url: string,
  secret: string,
): { code: string; message: string; field: string } | undefined {
  if (!isWebhookUrl(url))
    return { code: 'WEBHOOK_URL_INVALID', message: `url must be ${WEBHOOK_URL_RULE}`, field: 'url' };
  if (!WEBHOOK_SECRET_PATTERN.test(secret))
    return {
      code: 'WEBHOOK_SECRET_INVALID',
      message: `secret must be ${WEBHOOK_SECRET_RULE}`,
      field: 'secret',
    };
  return undefined;
}

export function isWebhookUrl(url: unknown): boolean {
  if (typeof url !== 'string' || url.length > WEBHOOK_URL_MAX_LENGTH) return false;
  const match = /^(https?):\/\/([^/?#\s]+)([^\s]*)$/.exec(url);
  if (!match) return false;
  // No user:password@ in the URL: the secret signs the calls instead.
  return (
    !match[2]!.includes('@') && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(match[2]!)
  );
}

export function decideSubscribeWebhook(
  command: { subscriptionId: string; url: string; secret: string; at: string },
  state: WebhookState,
): Decision {
  if (state.subscriptionId)
    return {
      ok: false,
      code: 'WEBHOOK_EXISTS',
      message: `Webhook subscription ${command.subscriptionId} already exists`,
      field: 'subscriptionId',
    };
  const problem = checkWebhook(command.url, command.secret);
  if (problem) return { ok: false, ...problem };
  return {
    ok: true,
    events: [
      {
        type: 'WebhookSubscribed',
        data: {
          subscriptionId: command.subscriptionId,
          url: command.url,
          at: command.at,
          personal: { secret: command.secret },
        },
      },
    ],
  };
}

export function decideUnsubscribeWebhook(
  command: { subscriptionId: string; at: string },
  state: WebhookState,
): Decision {
  if (!state.subscriptionId)
    return {
      ok: false,
      code: 'WEBHOOK_NOT_FOUND',
      message: `Webhook subscription ${command.subscriptionId} does not exist`,
    };
  if (!state.active) return { ok: true, events: [] };
  return {
    ok: true,
    events: [
      { type: 'WebhookUnsubscribed', data: { subscriptionId: command.subscriptionId, at: command.at } },
    ],
  };
}
