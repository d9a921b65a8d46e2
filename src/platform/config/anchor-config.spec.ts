import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadAnchorConfig } from './config.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadAnchorConfig(env, './data');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadAnchorConfig: the log anchor’s key and cadence', () => {
  it('defaults to a key file in DATA_DIR, created in development only, and a checkpoint per 100 events or 10 s', () => {
    expect(loadAnchorConfig({}, './data')).toEqual({
      db: './data/anchor.sqlite',
      signingKey: { kind: 'file', path: './data/anchor-signing-key.pem', create: true },
      everyEvents: 100,
      intervalMs: 10_000,
    });
    expect(loadAnchorConfig({ NODE_ENV: 'production' }, './data').signingKey).toMatchObject({
      create: false,
    });
  });

  it('takes the key from the environment as PEM or one-line base64 DER', () => {
    expect(loadAnchorConfig({ ANCHOR_SIGNING_KEY: privatePem }, './data').signingKey).toEqual({
      kind: 'env',
      pem: privatePem.trim(),
    });
    const der = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    expect(loadAnchorConfig({ ANCHOR_SIGNING_KEY: der }, './data').signingKey).toMatchObject({ kind: 'env' });
    expect(loadAnchorConfig({ ANCHOR_PUBLIC_KEY: publicPem }, './data').publicKey).toBe(publicPem.trim());
  });

  it('names each bad variable and what is allowed', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    expect(
      problemsOf({
        ANCHOR_SIGNING_KEY: rsa,
        ANCHOR_PUBLIC_KEY: 'not a key',
        ANCHOR_EVERY_EVENTS: '0',
        ANCHOR_INTERVAL_MS: 'soon',
      }),
    ).toEqual([
      'ANCHOR_SIGNING_KEY must be an Ed25519 private key: PKCS#8 PEM, or its DER in base64 (got something else; the value is not printed, it may be a secret)',
      'ANCHOR_PUBLIC_KEY must be an Ed25519 public key: SPKI PEM, or its DER in base64 (got 9 characters)',
      "ANCHOR_EVERY_EVENTS must be a whole number of events from 1 to 1000000 (got '0')",
      "ANCHOR_INTERVAL_MS must be a whole number of milliseconds from 100 to 86400000 (got 'soon')",
    ]);
    expect(problemsOf({ ANCHOR_SIGNING_KEY: privatePem, ANCHOR_KEY_FILE: '/etc/anchor.pem' })).toEqual([
      'ANCHOR_SIGNING_KEY and ANCHOR_KEY_FILE are both set: set one of them',
    ]);
  });
});
