import { createHmac } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { AccountDocument, Numbered } from '../domain/documents/index.js';
import type { EventStore } from '../platform/event-store/event-store.port.js';
import { alertsStream, documentsStream } from '../platform/event-store/stream-names.js';
import type { RaisedAlert } from '../domain/alerts/alert-events.js';
import type { DeliveryConfig } from '../platform/config/config.js';
import { renderDocumentPdf } from '../documents/document-pdf.js';
import type { AccountBook } from '../accounts/account-book.js';
import {
  ALERT_DELIVERY_KIND,
  type Delivery,
  type DeliveryResult,
  type DeliverySending,
} from '../../projections/workers/document-delivery.projection.js';
import type { WebhookBook } from './webhooks/webhook-book.js';
import { edmAttachment } from './edm-attachment.js';
import { alertEmail, alertWebhookBody } from './alert-message.js';
import { documentEmail } from './document-message.js';

/** The headers of a webhook call: the receiver deduplicates by the delivery id and checks the signature. */
export const WEBHOOK_HEADERS = {
  deliveryId: 'x-billing-delivery-id',
  timestamp: 'x-billing-timestamp',
  signature: 'x-billing-signature',
  attempt: 'x-billing-delivery-attempt',
} as const;

/** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>" with the subscription's secret>`. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Why e-mail is not sent, when it is not (ops status says it too). */
export const EMAIL_DISABLED = 'e-mail delivery is disabled: SMTP_URL is not set';

export interface DocumentSenderDeps {
  store: EventStore;
  accounts: Pick<AccountBook, 'state'>;
  webhooks: Pick<WebhookBook, 'subscription'>;
  config: DeliveryConfig;
  /** Opens a person's sealed requisites in a stored document (DocumentRetention.open); as stored without. */
  retention?: { open<D extends Numbered>(documents: D[]): D[] };
  /** Default: a nodemailer SMTP transport from `config.smtp`; none without it (e-mail disabled). */
  transport?: Transporter;
}

/**
 * Sends one delivery: the document's PDF (and, for an account that uses EDM, the tax service's XML of a UPD
 * or VAT invoice) by e-mail to the account owner (SMTP), or a signed JSON call to a
 * webhook subscription. Resolves with what happened; throws for a failure worth retrying. Nothing secret
 * (the webhook secret, the SMTP password) ever goes into an error message.
 */
export function documentSender(deps: DocumentSenderDeps): DeliverySending & { close(): void } {
  const transport =
    deps.transport ?? (deps.config.smtp ? nodemailer.createTransport(deps.config.smtp.url) : undefined);
  const scrub = secretScrubber(deps.config.smtp?.url);

  const issuedOf = async (
    delivery: Delivery,
  ): Promise<{
    document: Numbered<AccountDocument>;
    basisOf: (documentId: string) => Numbered | undefined;
  }> => {
    const events = await deps.store.readStream(documentsStream(delivery.accountId));
    const event = events.find((e) => e.id === delivery.eventId);
    if (!event)
      throw new Error(`document event ${delivery.eventId} is not in ${documentsStream(delivery.accountId)}`);
    const stored = event.data as Numbered<AccountDocument>;
    const document = deps.retention ? deps.retention.open([stored])[0]! : stored;
    // The act or UPD a VAT invoice accompanies: only its kind, number and date are used (no personal data).
    const basisOf = (documentId: string) =>
      events.find((e) => e.type === 'DocumentIssued' && (e.data as Numbered).documentId === documentId)
        ?.data as Numbered | undefined;
    return { document, basisOf };
  };
  const documentOf = async (delivery: Delivery) => (await issuedOf(delivery)).document;
  const alertOf = async (delivery: Delivery): Promise<RaisedAlert> => {
    const events = await deps.store.readStream(alertsStream(delivery.accountId));
    const event = events.find((e) => e.id === delivery.eventId);
    if (!event)
      throw new Error(`alert event ${delivery.eventId} is not in ${alertsStream(delivery.accountId)}`);
    return event.data as RaisedAlert;
  };
  const isAlert = (delivery: Delivery) => delivery.documentKind === ALERT_DELIVERY_KIND;

  const email = async (delivery: Delivery): Promise<DeliveryResult> => {
    if (!transport) return { outcome: 'skipped', reason: EMAIL_DISABLED };
    const account = await deps.accounts.state(delivery.accountId);
    if (account.deletedAt) return { outcome: 'skipped', reason: 'the account is deleted' };
    if (!account.ownerEmail) return { outcome: 'skipped', reason: 'the account has no owner e-mail' };
    if (isAlert(delivery)) {
      const { subject, text } = alertEmail(delivery.accountId, await alertOf(delivery));
      try {
        const sent = await transport.sendMail({
          from: deps.config.from,
          to: account.ownerEmail,
          subject,
          text,
          messageId: `<${delivery.deliveryId}@billing-engine>`,
          headers: { 'X-Billing-Delivery-Id': delivery.deliveryId },
        });
        return { outcome: 'delivered', detail: `smtp ${scrub(String(sent.response ?? 'accepted'))}` };
      } catch (error) {
        throw new Error(`smtp: ${scrub(error instanceof Error ? error.message : String(error))}`);
      }
    }
    const { document, basisOf } = await issuedOf(delivery);
    const pdf = await renderDocumentPdf(document);
    // EDM customers get the tax service's XML beside the PDF (the kinds that have one); the fact is read at
    // sending time, as GET …/xml reads it.
    const xml = account.facts?.edm ? edmAttachment(document, basisOf) : undefined;
    const { subject, text } = documentEmail(
      document,
      xml
        ? `Документ во вложении: PDF и файл ЭДО в формате ФНС (${xml.filename}).\n`
        : `Документ во вложении (PDF).\n`,
    );
    try {
      const sent = await transport.sendMail({
        from: deps.config.from,
        to: account.ownerEmail,
        subject,
        text,
        // A repeated delivery carries the same ids: mail systems and people can tell it is the same one.
        messageId: `<${delivery.deliveryId}@billing-engine>`,
        headers: { 'X-Billing-Delivery-Id': delivery.deliveryId },
        attachments: [
          { filename: `${document.number}.pdf`, content: pdf, contentType: 'application/pdf' },
          ...(xml ? [xml] : []),
        ],
      });
      return { outcome: 'delivered', detail: `smtp ${scrub(String(sent.response ?? 'accepted'))}` };
    } catch (error) {
      throw new Error(`smtp: ${scrub(error instanceof Error ? error.message : String(error))}`);
    }
  };

  const documentWebhookBody = async (delivery: Delivery): Promise<string> => {
    const document = await documentOf(delivery);
    return JSON.stringify({
      type: 'document.issued',
      deliveryId: delivery.deliveryId,
      eventId: delivery.eventId,
      accountId: delivery.accountId,
      document: {
        number: document.number,
        kind: document.kind,
        date: document.date,
        periodId: document.periodId,
        currency: document.currency,
        totals: document.totals,
      },
      links: {
        document: `/v1/accounts/${delivery.accountId}/documents/${document.number}`,
        pdf: `/v1/accounts/${delivery.accountId}/documents/${document.number}/pdf`,
      },
    });
  };

  const webhook = async (delivery: Delivery): Promise<DeliveryResult> => {
    const subscription = await deps.webhooks.subscription(delivery.recipient);
    if (!subscription.active || !subscription.url)
      return { outcome: 'skipped', reason: `webhook subscription ${delivery.recipient} is not active` };
    if (!subscription.secret)
      return {
        outcome: 'skipped',
        reason: `webhook subscription ${delivery.recipient} has no readable secret`,
      };
    const body = isAlert(delivery)
      ? alertWebhookBody(delivery, await alertOf(delivery))
      : await documentWebhookBody(delivery);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const host = hostOf(subscription.url);
    let response: Response;
    try {
      response = await fetch(subscription.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'billing-engine-delivery/1',
          [WEBHOOK_HEADERS.deliveryId]: delivery.deliveryId,
          [WEBHOOK_HEADERS.timestamp]: timestamp,
          [WEBHOOK_HEADERS.signature]: webhookSignature(subscription.secret, timestamp, body),
          [WEBHOOK_HEADERS.attempt]: String(delivery.attempt),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(deps.config.webhookTimeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new Error(`webhook ${host}: ${cause ?? (error instanceof Error ? error.name : 'failed')}`);
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status >= 300)
      throw new Error(`webhook ${host}: HTTP ${response.status}`);
    return { outcome: 'delivered', detail: `webhook ${host}: HTTP ${response.status}` };
  };

  const send = (delivery: Delivery) => (delivery.channel === 'email' ? email(delivery) : webhook(delivery));
  return Object.assign(send, { close: () => transport?.close() });
}

/** The host (and port) of a URL, never its path or query (they may carry tokens). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid url)';
  }
}

/** Removes the SMTP URL's password (and the URL itself) from a message. */
function secretScrubber(smtpUrl: string | undefined): (message: string) => string {
  if (!smtpUrl) return (message) => message;
  let password = '';
  try {
    password = decodeURIComponent(new URL(smtpUrl).password);
  } catch {
    password = '';
  }
  return (message) => {
    let clean = message.split(smtpUrl).join('(SMTP_URL)');
    if (password) clean = clean.split(password).join('***');
    return clean;
  };
}
