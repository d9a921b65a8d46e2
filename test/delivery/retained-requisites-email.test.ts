import type { Transporter } from 'nodemailer';
import { DELIVERY_DEFAULTS } from '../../src/platform/config/config.js';
import type { EventStore, RecordedEvent } from '../../src/platform/event-store/event-store.port.js';
import { PersonalDataVault } from '../../src/platform/personal-data/personal-data-vault.js';
import { documentSender } from '../../src/delivery/document-sender.js';
import { openPersonalRequisites, sealPersonalRequisites } from '../../src/documents/document-retention.js';
import { issuerDetails } from '../../src/documents/issuers.js';
import type { Numbered } from '../../src/domain/documents/index.js';
import { readPdf } from '../../src/documents/forms/pdf-text.fixtures.js';

/** The e-mailed PDF of a sole proprietor's document names the payer: delivery opens what is stored sealed. */
const PAYER = {
  name: 'ИП Кузнецова Мария Сергеевна',
  taxId: '500100732259',
  address: 'Москва, ул. Садовая, 5',
};
const act = {
  kind: 'act',
  basis: 'spent-from-balance',
  documentId: 'kuznetsova/2026-03/act',
  accountId: 'kuznetsova',
  periodId: '2026-03',
  date: '2026-03-31',
  currency: 'RUB',
  vatJurisdiction: 'RU',
  issuer: issuerDetails('ru-moscow-llc'),
  payer: PAYER,
  servicePeriod: { firstDay: '2026-03-01', lastDay: '2026-03-31' },
  delivery: 'post',
  lines: [],
  totals: { net: '0.00', vat: '0.00', gross: '0.00' },
  number: 'RU-MOSCOW-LLC-2026-000001',
  sequence: 1,
} as unknown as Numbered;

it('e-mails the PDF with the sealed name and address opened', async () => {
  const vault = new PersonalDataVault(':memory:');
  const [stored] = sealPersonalRequisites(
    vault,
    { accountId: 'kuznetsova', payerType: 'sole-proprietor', region: 'ru-moscow' },
    [act],
  );
  expect(JSON.stringify(stored)).not.toContain('Кузнецова');
  const event = { id: 'e-1', data: stored } as unknown as RecordedEvent;
  const sent: Array<{ attachments: Array<{ content: Buffer }> }> = [];
  const send = documentSender({
    store: { readStream: () => Promise.resolve([event]) } as unknown as EventStore,
    accounts: { state: () => Promise.resolve({ ownerEmail: 'owner@example.ru' } as never) },
    webhooks: { subscription: () => Promise.reject(new Error('not read')) },
    config: DELIVERY_DEFAULTS,
    transport: {
      sendMail: (mail: (typeof sent)[number]) => {
        sent.push(mail);
        return Promise.resolve({ response: '250 ok' });
      },
    } as unknown as Transporter,
    retention: { open: (documents) => documents.map((d) => openPersonalRequisites(vault, d)) },
  });
  await expect(
    send({
      deliveryId: `dlv_${'a'.repeat(32)}`,
      eventId: 'e-1',
      position: '1',
      accountId: 'kuznetsova',
      documentNumber: act.number,
      documentKind: 'act',
      channel: 'email',
      recipient: 'owner',
      attempt: 1,
    }),
  ).resolves.toMatchObject({ outcome: 'delivered' });
  const text = readPdf(sent[0]!.attachments[0]!.content, act.number).text;
  expect(text).toContain('ИП Кузнецова Мария Сергеевна');
  expect(text).toContain('Москва, ул. Садовая, 5');
});
