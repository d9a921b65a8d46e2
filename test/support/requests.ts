/** Request bodies shared by the end-to-end tests. */
export const individual = (accountId: string) => ({
  accountId,
  payerType: 'individual',
  region: 'ru-moscow',
  residency: 'resident',
  contract: 'public-offer',
  paymentScheme: 'prepaid',
  profileId: 'vk-individual-prepaid',
  openedAt: '2026-03-01T09:00:00+03:00',
});

export const creditLegal = (accountId: string) => ({
  accountId,
  payerType: 'legal-entity',
  region: 'ru-moscow',
  residency: 'resident',
  contract: 'individual-contract',
  paymentScheme: 'postpaid',
  profileId: 'yc-legal-credit',
  legalDetails: { name: 'ООО «Ромашка»', taxId: '7707083893', kpp: '773601001', address: 'Москва' },
  openedAt: '2026-03-01T09:00:00+03:00',
});

export const usage = (id: string, sku: string, quantity: string, at = '2026-03-10T12:00:00+03:00') => ({
  usageRecordId: id,
  sku,
  quantity,
  windowStart: at,
  windowEnd: at,
});

/** A legal entity billed after the month (UPD and bill at the month end, due 14 days later). */
export const legalPostpaid = (accountId: string) => ({
  accountId,
  payerType: 'legal-entity',
  region: 'ru-moscow',
  residency: 'resident',
  contract: 'individual-contract',
  paymentScheme: 'postpaid',
  profileId: 'vk-legal-postpaid',
  legalDetails: {
    name: 'ООО «Вектор»',
    taxId: '7707083893',
    kpp: '773601001',
    address: 'Москва, ул. Вавилова, 19',
  },
  openedAt: '2026-03-01T09:00:00+03:00',
});
