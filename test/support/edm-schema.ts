/**
 * The tax service's EDM schema and a real validator for it (libxml2's xmllint), for the tests that check the
 * generated XML. The schemas are reference data outside the repository: EDM_SCHEMA_DIR (absolute, or relative
 * to the repository root), by default `../shared/edm` beside the checkout. `updSchemaUnavailable` says why
 * validation cannot run here (no schema, no xmllint): the tests that need it fail with that reason — CI has
 * both (`.ci/run` installs libxml2-utils), so a validation never passes silently nor goes missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const EDM_SCHEMA_DIR = resolve(repoRoot, process.env.EDM_SCHEMA_DIR ?? '../shared/edm');
export const UPD_SCHEMA = join(EDM_SCHEMA_DIR, 'upd_2023-1115131_5_03.xsd');

const xmllintFound = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0;

/** Why the UPD schema validation cannot run here, or null when it can. */
export const updSchemaUnavailable: string | null = !existsSync(UPD_SCHEMA)
  ? `the schema ${UPD_SCHEMA} is missing (set EDM_SCHEMA_DIR)`
  : !xmllintFound
    ? 'xmllint is not installed (Debian package libxml2-utils)'
    : null;

export interface Validation {
  readonly status: number | null;
  /** xmllint's report: `<file> validates` or the errors and `<file> fails to validate`. */
  readonly output: string;
  /** Where the file was saved (deleted afterwards): a directory of its own, under `fileName`. */
  readonly path: string;
}

/** Saves the bytes as `fileName` and runs `xmllint --schema <xsd> <file> --noout` on them. */
export function validateAgainstSchema(bytes: Buffer, fileName: string, schema = UPD_SCHEMA): Validation {
  const dir = mkdtempSync(join(tmpdir(), 'edm-xml-'));
  try {
    const path = join(dir, fileName);
    writeFileSync(path, bytes);
    const result = spawnSync('xmllint', ['--schema', schema, path, '--noout'], { encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}`, path };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
