import { apiKeyRecord, callerLabel, hashApiKey, parseApiKeyRecords } from './api-keys.js';
import { ROLE_SCOPES, scopesSharedBy } from './scopes.js';

const SHA = hashApiKey('k');

describe('API key records', () => {
  it('keeps the name:role:sha256 form: the role expands to its preset scopes', () => {
    expect(parseApiKeyRecords(`billing:service:${SHA}, audit:auditor:${SHA}`, false)).toEqual([
      {
        name: 'billing',
        role: 'service',
        scopes: expect.arrayContaining([...ROLE_SCOPES.service]),
        sha256: SHA,
      },
      { name: 'audit', role: 'auditor', scopes: ['read', 'audit'], sha256: SHA },
    ]);
  });

  it('takes explicit scopes joined by + (their own colon is no separator), alone or with a role', () => {
    const [meter, ui, both] = parseApiKeyRecords(
      `meter:usage:write:${SHA},ui:read+accounts:write:${SHA},night:auditor+periods:write:${SHA}`,
      false,
    );
    expect(meter).toEqual({ name: 'meter', scopes: ['usage:write'], sha256: SHA });
    expect(ui!.scopes).toEqual(['accounts:write', 'read']);
    expect(both).toMatchObject({ role: 'auditor', scopes: ['periods:write', 'read', 'audit'] });
  });

  it('takes a JSON file of { name, role?, scopes?, sha256 }', () => {
    const source = JSON.stringify([
      { name: 'gateway', scopes: ['payments:write'], sha256: SHA },
      { name: 'ops', role: 'ops', sha256: SHA },
    ]);
    const [gateway, ops] = parseApiKeyRecords(source, true);
    expect(gateway).toEqual({ name: 'gateway', scopes: ['payments:write'], sha256: SHA });
    expect(ops!.scopes).toEqual([...ROLE_SCOPES.ops].sort((a, b) => order(a) - order(b)));
  });

  it.each([
    [
      `meter:usage:wrte:${SHA}`,
      false,
      /entry 1 \(meter\): 'usage:wrte' is not a role \(service, ops, auditor\) or scopes/,
    ],
    [`meter:${SHA}`, false, /entry 1 \(meter\) must have a role .* or scopes/],
    ['meter:usage:write', false, /entry 1 \(meter\): sha256 must be the SHA-256 of the key/],
    [
      `meter:usage:write:abc`,
      false,
      /entry 1 \(meter\): sha256 must be the SHA-256 of the key as 64 lowercase hex/,
    ],
    [`:service:${SHA}`, false, /entry 1 must have a name/],
    [
      JSON.stringify([{ name: 'x', role: 'admin', sha256: SHA }]),
      true,
      /entry 1 \(x\): role must be one of service, ops, auditor \(got 'admin'\)/,
    ],
    [
      JSON.stringify([{ name: 'x', scopes: 'read', sha256: SHA }]),
      true,
      /entry 1 \(x\): scopes must be an array/,
    ],
    [JSON.stringify([{ name: 'x', scopes: [], sha256: SHA }]), true, /entry 1 \(x\) must have a role/],
    [JSON.stringify({ name: 'x' }), true, /must be a JSON array/],
  ])('refuses %s naming the entry and the rule', (source, json, message) => {
    expect(() => parseApiKeyRecords(source, json)).toThrow(message);
  });

  it('names a caller by role, or as key:<name> when the key has scopes only', () => {
    expect(callerLabel(apiKeyRecord('billing', { role: 'service' }, SHA))).toBe('service:billing');
    expect(callerLabel(apiKeyRecord('meter', { scopes: ['usage:write'] }, SHA))).toBe('key:meter');
  });

  it('a route declared by roles needs the scopes all of them hold: it admits those presets (and supersets)', () => {
    expect(scopesSharedBy(['auditor', 'ops'])).toEqual(['read', 'audit']);
    expect(scopesSharedBy(['service', 'ops', 'auditor'])).toEqual(['read']);
    const admits = (roles: Parameters<typeof scopesSharedBy>[0]) =>
      (['service', 'ops', 'auditor'] as const).filter((r) =>
        scopesSharedBy(roles).every((s) => ROLE_SCOPES[r].includes(s)),
      );
    for (const roles of [
      ['service'],
      ['ops'],
      ['auditor', 'ops'],
      ['service', 'ops'],
      ['service', 'ops', 'auditor'],
    ] as const)
      expect(admits(roles)).toEqual(
        ['service', 'ops', 'auditor'].filter((r) => (roles as readonly string[]).includes(r)),
      );
    // The ops preset holds every auditor scope: a route for auditors alone would admit ops too.
    expect(admits(['auditor'])).toEqual(['ops', 'auditor']);
  });
});

const order = (scope: string) =>
  [
    'usage:write',
    'payments:write',
    'accounts:write',
    'grants:write',
    'periods:write',
    'clock:write',
    'read',
    'audit',
    'ops',
    'metrics',
  ].indexOf(scope);
