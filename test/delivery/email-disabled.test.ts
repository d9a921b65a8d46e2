import { DELIVERY_DEFAULTS, loadDeliveryConfig } from '../../src/platform/config/config.js';
import { loadWorkersConfig } from '../../src/ops/projections/workers-config.js';
import type { EventStore } from '../../src/platform/event-store/event-store.port.js';
import { EMAIL_DISABLED, documentSender } from '../../src/delivery/document-sender.js';
import { emailDeliveryStatus } from '../../src/delivery/delivery-runtime.js';

const delivery = {
  deliveryId: `dlv_${'a'.repeat(32)}`,
  eventId: 'e-1',
  position: '1',
  accountId: 'acc-1',
  documentNumber: 'N-1',
  documentKind: 'act',
  channel: 'email' as const,
  recipient: 'owner',
  attempt: 1,
};

describe('without SMTP_URL, e-mail delivery is disabled and says so', () => {
  it('each e-mail delivery is skipped with the reason; nothing is read or sent', async () => {
    const send = documentSender({
      store: {} as EventStore,
      accounts: { state: () => Promise.reject(new Error('not read')) },
      webhooks: { subscription: () => Promise.reject(new Error('not read')) },
      config: DELIVERY_DEFAULTS,
    });
    await expect(send(delivery)).resolves.toEqual({ outcome: 'skipped', reason: EMAIL_DISABLED });
  });

  it('ops status notes it on the document-delivery worker; with SMTP, where it goes (no credentials)', () => {
    const workers = loadWorkersConfig(
      '/data',
      '/data/read-models.sqlite',
      { holder: 'h', ttlMs: 15_000 },
      {},
    );
    expect(workers.databases['document-delivery']).toBe('/data/document-delivery.sqlite');
    expect(workers.notes?.['document-delivery']).toEqual([`e-mail disabled: ${EMAIL_DISABLED}`]);
    const configured = loadDeliveryConfig({
      SMTP_URL: 'smtp://u:pa55word@mail.example.com:2525',
      DELIVERY_FROM: 'billing@example.com',
    });
    expect(emailDeliveryStatus(configured)).toBe(
      'enabled: smtp://mail.example.com:2525 from billing@example.com',
    );
    expect(emailDeliveryStatus(configured)).not.toContain('pa55word');
  });
});
