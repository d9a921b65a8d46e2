/**
 * A small, realistic default catalog: RUB (ru-moscow), KZT (kz) and USD (non-resident) prices for the
 * resources the provider pages mention. Prices for residents include VAT; USD prices exclude taxes.
 *
 * Two versions: "2025.1" and "2026.1". On 2026-01-01 Russian VAT rises from 20% to 22%, so RUB prices
 * (VAT-inclusive) rise by about 122/120 at Moscow midnight. KZT and USD prices are unchanged in "2026.1";
 * a KZ repricing would be its own version at Kazakhstan midnight (UTC+5), because a version takes effect
 * at one instant for every currency.
 */
import { PriceCatalog, type CatalogVersion, type Currency, type Pricing, type Sku } from './catalog.js';

type Description = Omit<Sku, 'currency' | 'pricing'>;
/*
 * Russian names and units (nameRu, serviceRu, unitRu) are what Russian documents print. OKEI codes: 356 час,
 * 362 месяц, 2553 гигабайт, 796 штука (a request).
 */

const flat = (unitPrice: string): Pricing => ({ model: 'flat', unitPrice });
/** Egress: the first 100 GB of the month at one price, up to 10 TB cheaper, beyond that cheaper still. */
const egress = (first100: string, upTo10Tb: string, beyond: string): Pricing => ({
  model: 'graduated',
  tiers: [
    { upTo: '100', unitPrice: first100 },
    { upTo: '10240', unitPrice: upTo10Tb },
    { upTo: null, unitPrice: beyond },
  ],
});

const DESCRIPTIONS: Record<string, Description> = {
  'compute.vcpu.hour': {
    sku: 'compute.vcpu.hour',
    service: 'Cloud Compute',
    category: 'compute',
    unit: 'vCPU·h',
    keptWhileSuspended: false,
    nameRu: 'Вычислительные ресурсы: вЦПУ',
    serviceRu: 'Услуги облачных вычислений (Cloud Compute)',
    unitRu: { name: 'вЦПУ·ч', okei: '356' },
  },
  'compute.ram.gb.hour': {
    sku: 'compute.ram.gb.hour',
    service: 'Cloud Compute',
    category: 'compute',
    unit: 'GB·h',
    keptWhileSuspended: false,
    nameRu: 'Вычислительные ресурсы: оперативная память',
    serviceRu: 'Услуги облачных вычислений (Cloud Compute)',
    unitRu: { name: 'ГБ·ч', okei: '356' },
  },
  'storage.ssd.gb.hour': {
    sku: 'storage.ssd.gb.hour',
    service: 'Block Storage',
    category: 'storage',
    unit: 'GB·h',
    keptWhileSuspended: true,
    nameRu: 'Блочное хранилище: SSD-диски',
    serviceRu: 'Услуги блочного хранилища (Block Storage)',
    unitRu: { name: 'ГБ·ч', okei: '356' },
  },
  'storage.snapshot.gb.hour': {
    sku: 'storage.snapshot.gb.hour',
    service: 'Block Storage',
    category: 'storage',
    unit: 'GB·h',
    keptWhileSuspended: true,
    nameRu: 'Блочное хранилище: снимки дисков',
    serviceRu: 'Услуги блочного хранилища (Block Storage)',
    unitRu: { name: 'ГБ·ч', okei: '356' },
  },
  'network.public-ip.hour': {
    sku: 'network.public-ip.hour',
    service: 'Virtual Private Cloud',
    category: 'network-address',
    unit: 'IP·h',
    keptWhileSuspended: true,
    nameRu: 'Публичный IP-адрес',
    serviceRu: 'Услуги виртуальной частной сети (Virtual Private Cloud)',
    unitRu: { name: 'IP·ч', okei: '356' },
  },
  'object-storage.standard.gb.month': {
    sku: 'object-storage.standard.gb.month',
    service: 'Object Storage',
    category: 'object-storage',
    unit: 'GB·month',
    freeQuota: { quantity: '1', per: 'month' },
    keptWhileSuspended: true,
    nameRu: 'Объектное хранилище: хранение, стандартный класс',
    serviceRu: 'Услуги объектного хранилища (Object Storage)',
    unitRu: { name: 'ГБ·мес', okei: '362' },
  },
  'object-storage.egress.gb': {
    sku: 'object-storage.egress.gb',
    service: 'Object Storage',
    category: 'object-storage',
    unit: 'GB',
    keptWhileSuspended: false,
    nameRu: 'Объектное хранилище: исходящий трафик',
    serviceRu: 'Услуги объектного хранилища (Object Storage)',
    unitRu: { name: 'ГБ', okei: '2553' },
  },
  'object-storage.requests.put': {
    sku: 'object-storage.requests.put',
    service: 'Object Storage',
    category: 'object-storage',
    unit: 'request',
    keptWhileSuspended: false,
    nameRu: 'Объектное хранилище: запросы PUT',
    serviceRu: 'Услуги объектного хранилища (Object Storage)',
    unitRu: { name: 'запрос', okei: '796' },
  },
  'gpu.a100.hour': {
    sku: 'gpu.a100.hour',
    service: 'GPU Cluster',
    category: 'gpu-cluster',
    unit: 'GPU·h',
    keptWhileSuspended: false,
    nameRu: 'GPU-кластер: GPU NVIDIA A100',
    serviceRu: 'Услуги GPU-кластера (GPU Cluster)',
    unitRu: { name: 'GPU·ч', okei: '356' },
  },
  'support.business.month': {
    sku: 'support.business.month',
    service: 'Technical Support',
    category: 'paid-support',
    unit: 'month',
    keptWhileSuspended: false,
    nameRu: 'Техническая поддержка, тариф «Бизнес»',
    serviceRu: 'Услуги технической поддержки',
    unitRu: { name: 'мес', okei: '362' },
  },
  'marketplace.windows-server.core.hour': {
    sku: 'marketplace.windows-server.core.hour',
    service: 'Marketplace: Windows Server',
    category: 'marketplace',
    unit: 'core·h',
    keptWhileSuspended: false,
    nameRu: 'Marketplace: Windows Server, лицензия на ядро',
    serviceRu: 'Marketplace: Windows Server (право использования)',
    unitRu: { name: 'ядро·ч', okei: '356' },
  },
};

type PriceList = Partial<Record<keyof typeof DESCRIPTIONS, Pricing>>;

const RUB_2025: PriceList = {
  'compute.vcpu.hour': flat('1.08'),
  'compute.ram.gb.hour': flat('0.28'),
  'storage.ssd.gb.hour': flat('0.0185'),
  'storage.snapshot.gb.hour': flat('0.0046'),
  'network.public-ip.hour': flat('0.20'),
  'object-storage.standard.gb.month': flat('2.01'),
  'object-storage.egress.gb': egress('1.53', '1.30', '1.00'),
  'object-storage.requests.put': flat('0.0004'),
  'gpu.a100.hour': flat('250.00'),
  'support.business.month': flat('15000.00'),
  'marketplace.windows-server.core.hour': flat('0.80'),
};

/** RUB prices from 2026-01-01: VAT 22% instead of 20%. */
const RUB_2026: PriceList = {
  'compute.vcpu.hour': flat('1.10'),
  'compute.ram.gb.hour': flat('0.285'),
  'storage.ssd.gb.hour': flat('0.0188'),
  'storage.snapshot.gb.hour': flat('0.0047'),
  'network.public-ip.hour': flat('0.2033'),
  'object-storage.standard.gb.month': flat('2.04'),
  'object-storage.egress.gb': egress('1.56', '1.32', '1.02'),
  'object-storage.requests.put': flat('0.00041'),
  'gpu.a100.hour': flat('254.17'),
  'support.business.month': flat('15250.00'),
  'marketplace.windows-server.core.hour': flat('0.8133'),
};

const KZT: PriceList = {
  'compute.vcpu.hour': flat('5.94'),
  'compute.ram.gb.hour': flat('1.54'),
  'storage.ssd.gb.hour': flat('0.1018'),
  'storage.snapshot.gb.hour': flat('0.0253'),
  'network.public-ip.hour': flat('1.10'),
  'object-storage.standard.gb.month': flat('11.06'),
  'object-storage.egress.gb': egress('8.42', '7.15', '5.50'),
  'object-storage.requests.put': flat('0.0022'),
  'gpu.a100.hour': flat('1375.00'),
  'support.business.month': flat('82500.00'),
  'marketplace.windows-server.core.hour': flat('4.40'),
};

/** Non-resident prices, taxes excluded. The Windows Server marketplace item is not sold in USD. */
const USD: PriceList = {
  'compute.vcpu.hour': flat('0.0125'),
  'compute.ram.gb.hour': flat('0.0033'),
  'storage.ssd.gb.hour': flat('0.000215'),
  'storage.snapshot.gb.hour': flat('0.000054'),
  'network.public-ip.hour': flat('0.0023'),
  'object-storage.standard.gb.month': flat('0.0233'),
  'object-storage.egress.gb': egress('0.0178', '0.0150', '0.0115'),
  'object-storage.requests.put': flat('0.0000046'),
  'gpu.a100.hour': flat('3.40'),
  'support.business.month': flat('180.00'),
};

function entries(currency: Currency, prices: PriceList): Sku[] {
  return (Object.entries(prices) as Array<[string, Pricing]>).map(([skuId, pricing]) => ({
    ...DESCRIPTIONS[skuId],
    currency,
    pricing,
  }));
}

/** The catalog data (a fresh copy), for callers that want to derive their own versions from it. */
export function defaultCatalogVersions(): CatalogVersion[] {
  return structuredClone([
    {
      version: '2025.1',
      effectiveFrom: '2025-01-01T00:00:00+03:00',
      skus: [...entries('RUB', RUB_2025), ...entries('KZT', KZT), ...entries('USD', USD)],
    },
    {
      version: '2026.1',
      // Moscow midnight, when the 22% VAT takes effect.
      effectiveFrom: '2026-01-01T00:00:00+03:00',
      skus: [...entries('RUB', RUB_2026), ...entries('KZT', KZT), ...entries('USD', USD)],
    },
  ]);
}

export function defaultCatalog(): PriceCatalog {
  return PriceCatalog.create(defaultCatalogVersions());
}
