import { CURRENCIES, validateCatalog } from './catalog.js';
import { defaultCatalog, defaultCatalogVersions } from './default-catalog.js';
import { russianNames } from './russian-names.js';

describe('defaultCatalog', () => {
  const catalog = defaultCatalog();
  const [v2025, v2026] = catalog.versions;

  it('is valid and has the RUB repricing at Moscow midnight 2026-01-01', () => {
    expect(validateCatalog(defaultCatalogVersions())).toEqual([]);
    expect(catalog.versions.map((v) => [v.version, v.effectiveFrom])).toEqual([
      ['2025.1', '2025-01-01T00:00:00+03:00'],
      ['2026.1', '2026-01-01T00:00:00+03:00'],
    ]);
  });

  it('prices every SKU in RUB and KZT, and all but the marketplace item in USD', () => {
    for (const version of catalog.versions) {
      const ids = (currency: string) =>
        version.skus
          .filter((s) => s.currency === currency)
          .map((s) => s.sku)
          .sort();
      expect(ids('RUB')).toEqual(ids('KZT'));
      expect(ids('USD')).toEqual(ids('RUB').filter((id) => !id.startsWith('marketplace.')));
    }
    expect(new Set(v2025.skus.map((s) => s.currency))).toEqual(new Set(CURRENCIES));
  });

  it('covers the categories the ledger and grants rely on', () => {
    expect(new Set(v2025.skus.map((s) => s.category))).toEqual(
      new Set([
        'compute',
        'storage',
        'network-address',
        'object-storage',
        'gpu-cluster',
        'paid-support',
        'marketplace',
      ]),
    );
    const keptWhileSuspended = v2025.skus
      .filter((s) => s.currency === 'RUB' && s.keptWhileSuspended)
      .map((s) => s.sku);
    expect(keptWhileSuspended).toEqual([
      'storage.ssd.gb.hour',
      'storage.snapshot.gb.hour',
      'network.public-ip.hour',
      'object-storage.standard.gb.month',
    ]);
  });

  it('has a 3-tier graduated egress price and a free object storage quota', () => {
    const egress = catalog.sku('object-storage.egress.gb', v2025.effectiveFrom, 'RUB');
    expect(egress?.pricing).toEqual({
      model: 'graduated',
      tiers: [
        { upTo: '100', unitPrice: '1.53' },
        { upTo: '10240', unitPrice: '1.30' },
        { upTo: null, unitPrice: '1.00' },
      ],
    });
    for (const currency of CURRENCIES) {
      expect(
        catalog.sku('object-storage.standard.gb.month', v2026.effectiveFrom, currency)?.freeQuota,
      ).toEqual({
        quantity: '1',
        per: 'month',
      });
    }
  });

  it('changes only RUB prices in 2026.1', () => {
    const priceOf = (skus: typeof v2025.skus, currency: string) =>
      skus.filter((s) => s.currency === currency).map((s) => [s.sku, s.pricing]);
    expect(priceOf(v2026.skus, 'KZT')).toEqual(priceOf(v2025.skus, 'KZT'));
    expect(priceOf(v2026.skus, 'USD')).toEqual(priceOf(v2025.skus, 'USD'));
    const rub2025 = new Map(priceOf(v2025.skus, 'RUB') as Array<[string, unknown]>);
    for (const [sku, pricing] of priceOf(v2026.skus, 'RUB')) {
      expect(pricing).not.toEqual(rub2025.get(sku as string));
    }
  });

  it('hands out copies: mutating the data does not change the next catalog', () => {
    const data = defaultCatalogVersions();
    data[0].skus[0].pricing = { model: 'flat', unitPrice: '0' };
    expect(defaultCatalogVersions()[0].skus[0].pricing).not.toEqual({ model: 'flat', unitPrice: '0' });
  });

  it('names every SKU and service in Russian, with a unit and its OKEI code, for Russian documents', () => {
    const versions = defaultCatalogVersions();
    for (const sku of versions.flatMap((version) => version.skus)) {
      expect(sku.nameRu).toMatch(/[А-Яа-я]/);
      expect(sku.serviceRu).toMatch(/[А-Яа-я]/);
      expect(sku.unitRu?.okei).toMatch(/^\d{3,4}$/);
    }
    const names = russianNames(versions);
    expect(names.services.get('Cloud Compute')).toBe('Услуги облачных вычислений (Cloud Compute)');
    expect(names.skus.get('compute.vcpu.hour')).toEqual({
      name: 'Вычислительные ресурсы: вЦПУ',
      unit: { name: 'вЦПУ·ч', okei: '356' },
    });
    expect(names.skus.get('object-storage.standard.gb.month')?.unit).toEqual({ name: 'ГБ·мес', okei: '362' });
  });

  it('keeps the Russian names optional (older catalog data stays valid) but checks them when given', () => {
    const versions = defaultCatalogVersions();
    for (const sku of versions[0].skus) {
      delete sku.nameRu;
      delete sku.serviceRu;
      delete sku.unitRu;
    }
    expect(validateCatalog(versions)).toEqual([]);
    versions[0].skus[0].unitRu = { name: 'ч', okei: 'hour' };
    versions[0].skus[0].nameRu = ' ';
    expect(validateCatalog(versions).map((issue) => issue.path)).toEqual([
      'versions[0]("2025.1").skus[0]("compute.vcpu.hour"/RUB).nameRu',
      'versions[0]("2025.1").skus[0]("compute.vcpu.hour"/RUB).unitRu.okei',
    ]);
  });
});
