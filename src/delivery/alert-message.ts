import type { RaisedAlert } from '../domain/alerts/alert-events.js';
import type { Delivery } from '../../projections/workers/document-delivery.projection.js';

/**
 * The webhook body of an alert (docs/api.md#budgets-and-alerts): `type: "alert.raised"`, the delivery and
 * event ids (receivers deduplicate by the delivery id), and the alert as stored.
 */
export function alertWebhookBody(delivery: Delivery, alert: RaisedAlert): string {
  return JSON.stringify({
    type: 'alert.raised',
    deliveryId: delivery.deliveryId,
    eventId: delivery.eventId,
    accountId: delivery.accountId,
    alert: {
      alertId: alert.alertId,
      kind: alert.kind,
      ...(alert.budgetId === undefined ? {} : { budgetId: alert.budgetId, scope: alert.scope }),
      ...(alert.threshold === undefined ? {} : { threshold: alert.threshold }),
      value: alert.value,
      limit: alert.limit,
      currency: alert.currency,
      periodId: alert.periodId,
      at: alert.at,
    },
    links: {
      account: `/v1/accounts/${delivery.accountId}`,
      budgets: `/v1/accounts/${delivery.accountId}/budgets`,
    },
  });
}

/** The alert's e-mail: a subject saying what crossed, and the figures (Russian, as the documents' e-mails). */
export function alertEmail(accountId: string, alert: RaisedAlert): { subject: string; text: string } {
  const money = (amount: string) => `${amount} ${alert.currency}`;
  const subject =
    alert.kind === 'budget'
      ? `Бюджет ${alert.budgetId}: израсходовано ${alert.threshold} % за период ${alert.periodId}`
      : alert.kind === 'low-balance'
        ? `Баланс лицевого счёта ${accountId} ниже ${money(alert.limit)}`
        : `Использовано ${alert.threshold} % кредитного лимита лицевого счёта ${accountId}`;
  const figures =
    alert.kind === 'budget'
      ? `Расходы за период ${alert.periodId}: ${money(alert.value)} из бюджета ${money(alert.limit)} (${alert.scope}).`
      : alert.kind === 'low-balance'
        ? `Баланс: ${money(alert.value)}; порог предупреждения: ${money(alert.limit)}. Пополните счёт, чтобы ресурсы не были заморожены.`
        : `Использовано кредита: ${money(alert.value)} из ${money(alert.limit)}.`;
  return {
    subject,
    text: `${subject}\nЛицевой счёт ${accountId}.\n${figures}\nУведомление ${alert.alertId}, ${alert.at}.\n`,
  };
}
