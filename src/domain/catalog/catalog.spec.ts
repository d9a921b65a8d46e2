import {
  CatalogValidationError,
  PriceCatalog,
  validateCatalog,
  type CatalogVersion,
  type Sku,
} from './catalog.js';

const vcpu = (unitPrice: string, overrides: Partial<Sku> = {}): Sku => ({
  sku: 'compute.vcpu.hour',
  service: 'Cloud Compute',
  category: 'compute',
  unit: 'vCPU·h',
  currency: 'RUB',
  pricing: { model: 'flat', unitPrice },
  keptWhileSuspended: false,
  ...overrides,
});

const egress = (tiers: Array<{ upTo: string | null; unitPrice: string }>): Sku => ({
  sku: 'object-storage.egress.gb',
  service: 'Object Storage',
  category: 'object-storage',
  unit: 'GB',
  currency: 'RUB',
  pricing: { model: 'graduated', tiers },
  keptWhileSuspended: false,
});

const version = (id: string, effectiveFrom: string, skus: Sku[]): CatalogVersion => ({
  version: id,
  effectiveFrom,
  skus,
});

function issuesOf(versions: CatalogVersion[]): string[] {
  return validateCatalog(versions).map((issue) => `${issue.path}: ${issue.message}`);
}

describe('validateCatalog', () => {
  it('accepts a well-formed catalog', () => {
    expect(
      validateCatalog([
        version('v1', '2025-01-01T00:00:00Z', [
          vcpu('1.08'),
          vcpu('5.94', { currency: 'KZT' }),
          egress([
            { upTo: '100', unitPrice: '1.53' },
            { upTo: null, unitPrice: '1.30' },
          ]),
        ]),
      ]),
    ).toEqual([]);
  });

  it('rejects an empty catalog', () => {
    expect(issuesOf([])).toEqual(['versions: a catalog needs at least one version']);
  });

  it('rejects duplicate version ids and two versions effective at the same instant', () => {
    const issues = issuesOf([
      version('v1', '2025-01-01T00:00:00Z', [vcpu('1')]),
      version('v1', '2025-02-01T00:00:00Z', [vcpu('1')]),
      // The same instant written with another offset.
      version('v3', '2025-01-01T03:00:00+03:00', [vcpu('1')]),
    ]);
    expect(issues).toEqual([
      expect.stringMatching(
        /^versions\[1\]\("v1"\)\.version: duplicate version id "v1" \(also versions\[0\]\)/,
      ),
      expect.stringMatching(
        /^versions\[2\]\("v3"\)\.effectiveFrom: versions\[0\] takes effect at the same instant/,
      ),
    ]);
  });

  it.each(['2026-01-01', '2026-01-01T00:00:00', '2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z', 'soon'])(
    'rejects effectiveFrom %s (not an ISO instant with seconds and an offset)',
    (effectiveFrom) => {
      expect(issuesOf([version('v1', effectiveFrom, [vcpu('1')])])).toEqual([
        expect.stringMatching(/^versions\[0\]\("v1"\)\.effectiveFrom: must be an ISO-8601 instant/),
      ]);
    },
  );

  it('rejects a SKU priced twice in the same currency, but not once per currency', () => {
    expect(issuesOf([version('v1', '2025-01-01T00:00:00Z', [vcpu('1'), vcpu('2')])])).toEqual([
      expect.stringContaining(
        'skus[1]("compute.vcpu.hour"/RUB): duplicate SKU "compute.vcpu.hour" in RUB (also skus[0])',
      ),
    ]);
    expect(
      issuesOf([version('v1', '2025-01-01T00:00:00Z', [vcpu('1'), vcpu('0.01', { currency: 'USD' })])]),
    ).toEqual([]);
  });

  it('rejects currency entries of one SKU that describe different things', () => {
    expect(
      issuesOf([
        version('v1', '2025-01-01T00:00:00Z', [vcpu('1'), vcpu('0.01', { currency: 'USD', unit: 'vCPU·s' })]),
      ]),
    ).toEqual([
      expect.stringMatching(/skus\[1\].*\.unit: differs from the RUB entry of the same SKU \(vCPU·h\)/),
    ]);
  });

  it('rejects negative, exponent and number prices with distinct messages', () => {
    const issues = issuesOf([
      version('v1', '2025-01-01T00:00:00Z', [
        vcpu('-1'),
        vcpu('1e2', { currency: 'KZT' }),
        vcpu(1 as unknown as string, { currency: 'USD' }),
      ]),
    ]);
    expect(issues).toEqual([
      expect.stringMatching(/skus\[0\].*\.pricing\.unitPrice: must not be negative \(got -1\)/),
      expect.stringMatching(/skus\[1\].*\.pricing\.unitPrice: must be a non-negative plain decimal string/),
      expect.stringMatching(/skus\[2\].*\.pricing\.unitPrice: must be a non-negative plain decimal string/),
    ]);
  });

  it('rejects bad SKU ids, unknown currencies, empty descriptions and bad free quotas', () => {
    const issues = issuesOf([
      version('v1', '2025-01-01T00:00:00Z', [
        vcpu('1', {
          sku: 'Compute VCPU',
          currency: 'EUR' as Sku['currency'],
          service: ' ',
          freeQuota: { quantity: '-1', per: 'day' as 'month' },
        }),
      ]),
    ]);
    expect(issues).toEqual([
      expect.stringMatching(/\.sku: must be lower-case words/),
      expect.stringMatching(/\.service: must be a non-empty string/),
      expect.stringMatching(/\.currency: must be one of RUB, KZT, USD/),
      expect.stringMatching(/\.freeQuota\.quantity: must not be negative/),
      expect.stringMatching(/\.freeQuota\.per: must be "month"/),
    ]);
  });

  describe('graduated tiers', () => {
    const at = '2025-01-01T00:00:00Z';
    it('require at least one tier', () => {
      expect(issuesOf([version('v1', at, [egress([])])])).toEqual([
        expect.stringMatching(/\.pricing\.tiers: a graduated price needs at least one tier/),
      ]);
    });

    it('accept a single open-ended tier', () => {
      expect(issuesOf([version('v1', at, [egress([{ upTo: null, unitPrice: '1' }])])])).toEqual([]);
    });

    it('require the last tier to be open-ended', () => {
      expect(issuesOf([version('v1', at, [egress([{ upTo: '100', unitPrice: '1' }])])])).toEqual([
        expect.stringMatching(/\.tiers\[0\]\.upTo: the last tier must be open-ended \(null\)/),
      ]);
    });

    it('allow only the last tier to be open-ended', () => {
      expect(
        issuesOf([
          version('v1', at, [
            egress([
              { upTo: null, unitPrice: '2' },
              { upTo: null, unitPrice: '1' },
            ]),
          ]),
        ]),
      ).toEqual([expect.stringMatching(/\.tiers\[0\]\.upTo: only the last tier may be open-ended/)]);
    });

    it('require strictly ascending bounds above zero', () => {
      const issues = issuesOf([
        version('v1', at, [
          egress([
            { upTo: '0', unitPrice: '3' },
            { upTo: '100', unitPrice: '2' },
            { upTo: '100', unitPrice: '1' },
            { upTo: '50', unitPrice: '1' },
            { upTo: null, unitPrice: '0.5' },
          ]),
        ]),
      ]);
      expect(issues).toEqual([
        expect.stringMatching(
          /\.tiers\[0\]\.upTo: tiers must ascend: 0 is not greater than the previous bound 0/,
        ),
        expect.stringMatching(
          /\.tiers\[2\]\.upTo: tiers must ascend: 100 is not greater than the previous bound 100/,
        ),
        expect.stringMatching(
          /\.tiers\[3\]\.upTo: tiers must ascend: 50 is not greater than the previous bound 100/,
        ),
      ]);
    });

    it('reject negative tier prices', () => {
      expect(
        issuesOf([
          version('v1', at, [
            egress([
              { upTo: '100', unitPrice: '1' },
              { upTo: null, unitPrice: '-0.5' },
            ]),
          ]),
        ]),
      ).toEqual([expect.stringMatching(/\.tiers\[1\]\.unitPrice: must not be negative/)]);
    });
  });
});

describe('PriceCatalog', () => {
  const catalog = PriceCatalog.create([
    // Given out of order: the catalog sorts by effectiveFrom.
    version('v2', '2026-01-01T00:00:00+03:00', [vcpu('1.10')]),
    version('v1', '2025-01-01T00:00:00+03:00', [vcpu('1.08'), vcpu('5.94', { currency: 'KZT' })]),
  ]);

  it('throws CatalogValidationError listing every issue', () => {
    let thrown: unknown;
    try {
      PriceCatalog.create([version('', 'x', [vcpu('-1')])]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CatalogValidationError);
    expect((thrown as CatalogValidationError).issues.map((issue) => issue.path)).toEqual([
      'versions[0]("").version',
      'versions[0]("").effectiveFrom',
      'versions[0]("").skus[0]("compute.vcpu.hour"/RUB).pricing.unitPrice',
    ]);
    expect((thrown as Error).message).toMatch(
      /^Invalid price catalog: versions\[0\]\(""\)\.version: must be a non-empty/,
    );
  });

  it('orders versions by effectiveFrom', () => {
    expect(catalog.versions.map((v) => v.version)).toEqual(['v1', 'v2']);
  });

  it('has no version in force before the first one', () => {
    expect(catalog.versionAt('2024-12-31T20:59:59.999999999Z')).toBeUndefined();
    expect(catalog.versionAt('2024-12-31T21:00:00Z')?.version).toBe('v1');
  });

  it('switches version exactly at effectiveFrom, comparing instants rather than text', () => {
    // 2026-01-01T00:00:00+03:00 is 2025-12-31T21:00:00Z.
    expect(catalog.versionAt('2025-12-31T20:59:59.999999999Z')?.version).toBe('v1');
    expect(catalog.versionAt('2025-12-31T21:00:00Z')?.version).toBe('v2');
    expect(catalog.versionAt('2025-12-31T21:00:00.000000001Z')?.version).toBe('v2');
    expect(catalog.versionAt('2026-01-01T02:00:00+05:00')?.version).toBe('v2');
    expect(catalog.versionAt('2099-01-01T00:00:00Z')?.version).toBe('v2');
  });

  it('throws RangeError for an instant without an offset', () => {
    expect(() => catalog.versionAt('2026-01-01T00:00:00')).toThrow(RangeError);
  });

  it('finds a SKU by id, instant and currency', () => {
    expect(catalog.sku('compute.vcpu.hour', '2025-06-01T00:00:00Z', 'RUB')?.pricing).toEqual({
      model: 'flat',
      unitPrice: '1.08',
    });
    expect(catalog.sku('compute.vcpu.hour', '2026-06-01T00:00:00Z', 'RUB')?.pricing).toEqual({
      model: 'flat',
      unitPrice: '1.10',
    });
    // v2 dropped the KZT entry.
    expect(catalog.sku('compute.vcpu.hour', '2025-06-01T00:00:00Z', 'KZT')).toBeDefined();
    expect(catalog.sku('compute.vcpu.hour', '2026-06-01T00:00:00Z', 'KZT')).toBeUndefined();
    expect(catalog.sku('gpu.a100.hour', '2026-06-01T00:00:00Z', 'RUB')).toBeUndefined();
    expect(catalog.skuEntries('compute.vcpu.hour', '2025-06-01T00:00:00Z').map((s) => s.currency)).toEqual([
      'RUB',
      'KZT',
    ]);
  });

  it('is immutable and independent of the data it was created from', () => {
    const data = [version('v1', '2025-01-01T00:00:00Z', [vcpu('1.08')])];
    const copy = PriceCatalog.create(data);
    data[0].skus[0].pricing = { model: 'flat', unitPrice: '999' };
    expect(copy.sku('compute.vcpu.hour', '2025-06-01T00:00:00Z', 'RUB')?.pricing).toEqual({
      model: 'flat',
      unitPrice: '1.08',
    });
    expect(Object.isFrozen(copy.versions[0].skus[0].pricing)).toBe(true);
  });
});
