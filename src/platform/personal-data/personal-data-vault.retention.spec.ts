import { onEachVaultStore } from '../../../test/support/vault-stores.js';

const LAW = 'Federal law 402-FZ art. 29 p. 1';
const PAYER = { name: 'ИП Иванов Иван Иванович', address: 'Москва, ул. Ленина, 1' };

onEachVaultStore(
  'PersonalDataVault: retention keys (documents kept by law after the account is deleted)',
  (store) => {
    it('seals under the retention key; destroying the account key leaves retained data readable', () => {
      const vault = store().open();
      const personal = vault.seal('ivanov', { email: 'i@example.ru' });
      vault.retain('ivanov', '2032-01-01T00:00:00.000Z', LAW);
      const retained = vault.sealRetained('ivanov', PAYER);
      expect(retained).not.toContain('Иванов');

      vault.destroy('ivanov', '2026-06-01T00:00:00.000Z');

      expect(vault.unseal('ivanov', personal)).toBeUndefined();
      expect(vault.unsealRetained('ivanov', retained)).toEqual(PAYER);
      expect(vault.retention('ivanov')).toEqual({ retainUntil: '2032-01-01T00:00:00.000Z', basis: LAW });
    });

    it('the retain-until date only moves later, with the law that moved it', () => {
      const vault = store().open();
      vault.retain('ivanov', '2032-01-01T00:00:00.000Z', LAW);
      vault.retain('ivanov', '2031-01-01T00:00:00.000Z', 'an earlier document');
      expect(vault.retention('ivanov')).toEqual({ retainUntil: '2032-01-01T00:00:00.000Z', basis: LAW });
      vault.retain('ivanov', '2033-01-01T00:00:00.000Z', 'Law of RK 234-III');
      expect(vault.retention('ivanov')).toEqual({
        retainUntil: '2033-01-01T00:00:00.000Z',
        basis: 'Law of RK 234-III',
      });
      expect(vault.retention('nobody')).toBeUndefined();
    });

    it('destroying the retention key makes the retained data unreadable and refuses new sealing', () => {
      const vault = store().open();
      vault.retain('ivanov', '2032-01-01T00:00:00.000Z', LAW);
      const retained = vault.sealRetained('ivanov', PAYER);

      vault.destroyRetention('ivanov', '2032-01-01T00:00:00.000Z');
      vault.destroyRetention('ivanov', '2033-01-01T00:00:00.000Z');

      expect(vault.unsealRetained('ivanov', retained)).toBeUndefined();
      expect(vault.retention('ivanov')).toEqual({
        retainUntil: '2032-01-01T00:00:00.000Z',
        basis: LAW,
        destroyedAt: '2032-01-01T00:00:00.000Z',
      });
      expect(() => vault.sealRetained('ivanov', PAYER)).toThrow(/no live retention key/);
      expect(() => vault.retain('ivanov', '2040-01-01T00:00:00.000Z', LAW)).toThrow(/was destroyed/);
    });

    it('sealing without a retention key is refused; the two keys never open each other’s data', () => {
      const vault = store().open();
      expect(() => vault.sealRetained('ivanov', PAYER)).toThrow(/no live retention key/);
      vault.retain('ivanov', '2032-01-01T00:00:00.000Z', LAW);
      const retained = vault.sealRetained('ivanov', PAYER);
      const personal = vault.seal('ivanov', PAYER);
      expect(vault.unseal('ivanov', retained)).toBeUndefined();
      expect(vault.unsealRetained('ivanov', personal)).toBeUndefined();
    });

    it('retention keys are wrapped with the master key, bound to their account, and survive a reopen', () => {
      const vault = store().open();
      vault.retain('ivanov', '2032-01-01T00:00:00.000Z', LAW);
      vault.retain('petrov', '2032-01-01T00:00:00.000Z', LAW);
      const retained = vault.sealRetained('ivanov', PAYER);
      vault.close();

      expect(store().open().unsealRetained('ivanov', retained)).toEqual(PAYER);

      // A row moved to another account does not open: the account id is the wrap's authenticated data.
      const db = store().raw();
      const row = db.get<{ key: Uint8Array }>("SELECT key FROM retention_keys WHERE account_id = 'ivanov'")!;
      expect(row.key.length).toBe(12 + 16 + 32);
      db.run("UPDATE retention_keys SET key = $1 WHERE account_id = 'petrov'", [row.key]);
      expect(() => store().open().unsealRetained('petrov', retained)).toThrow();
    });

    it('a retention key destroyed on one instance reads as destroyed on every other', () => {
      const a = store().open();
      const b = store().open();
      a.retain('ivanov', '2032-01-01T00:00:00.000Z', LAW);
      const retained = a.sealRetained('ivanov', PAYER);
      expect(b.unsealRetained('ivanov', retained)).toEqual(PAYER);
      b.destroyRetention('ivanov', '2032-01-01T00:00:00.000Z');
      expect(a.unsealRetained('ivanov', retained)).toBeUndefined();
      expect(a.retention('ivanov')).toMatchObject({ destroyedAt: '2032-01-01T00:00:00.000Z' });
    });
  },
);
