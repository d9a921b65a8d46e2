import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, type AnchorConfig } from '../../config/config.js';

/** The anchor's Ed25519 keys: the private one signs checkpoints, the public one verifies them. */
export interface AnchorKeys {
  /** Absent when only a public key was given (an auditor's machine verifies, it never signs). */
  signing?: KeyObject;
  verifying: KeyObject;
  /** The first 16 hex digits of the public key's SHA-256: which key signed a checkpoint. */
  keyId: string;
}

/**
 * Loads the keys named by the configuration. The private key lives outside the store (environment or a key
 * file); a key file absent in development is created with mode 0600, never in production, where a fresh key
 * would silently vouch for whatever the store holds. `forSigning: false` (verification only) never creates one.
 */
export function loadAnchorKeys(config: AnchorConfig, options: { forSigning: boolean }): AnchorKeys {
  let signing: KeyObject | undefined;
  const source = config.signingKey;
  if (source.kind === 'env') {
    signing = createPrivateKey(source.pem);
  } else if (existsSync(source.path)) {
    // Like ssh: a private key others can read is not private, and whoever read it can forge checkpoints.
    const mode = statSync(source.path).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new ConfigError([
        `ANCHOR_KEY_FILE ${source.path} is readable by others (mode ${mode.toString(8).padStart(4, '0')}): chmod 600 it`,
      ]);
    }
    try {
      signing = createPrivateKey(readFileSync(source.path, 'utf8'));
      if (signing.asymmetricKeyType !== 'ed25519') throw new Error(signing.asymmetricKeyType);
    } catch {
      throw new ConfigError([`ANCHOR_KEY_FILE ${source.path} must hold an Ed25519 private key (PKCS#8 PEM)`]);
    }
  } else if (options.forSigning && source.create) {
    const { privateKey } = generateKeyPairSync('ed25519');
    mkdirSync(dirname(source.path), { recursive: true });
    try {
      // 'wx': never overwrite a key another process has just written; then that one is the key.
      writeFileSync(source.path, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
        mode: 0o600,
        flag: 'wx',
      });
      signing = privateKey;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      signing = createPrivateKey(readFileSync(source.path, 'utf8'));
    }
  } else if (options.forSigning || !config.publicKey) {
    throw new ConfigError([
      `ANCHOR_KEY_FILE ${source.path} does not exist: set ANCHOR_SIGNING_KEY or ANCHOR_KEY_FILE to the anchor's ` +
        'Ed25519 private key' +
        (options.forSigning ? '' : ', or ANCHOR_PUBLIC_KEY to verify only'),
    ]);
  }
  const derived = signing ? createPublicKey(signing) : undefined;
  const pinned = config.publicKey ? createPublicKey(config.publicKey) : undefined;
  if (derived && pinned && !spki(derived).equals(spki(pinned))) {
    throw new ConfigError(['ANCHOR_PUBLIC_KEY is not the public key of the anchor signing key']);
  }
  const verifying = (pinned ?? derived)!;
  return {
    ...(signing ? { signing } : {}),
    verifying,
    keyId: createHash('sha256').update(spki(verifying)).digest('hex').slice(0, 16),
  };
}

const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });
