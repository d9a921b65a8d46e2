// The registry these machines use lacks some platform-specific optional packages (e.g. @swc/core-darwin-arm64),
// so npm leaves them out of package-lock.json and `npm ci` then refuses the lock as out of sync. This adds
// lock entries for the missing ones, marked optional with their os/cpu, so `npm ci` skips them on other
// platforms exactly as it would with a complete lock. Run after any `npm install`: node scripts/lockfile-platform-stubs.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const OS = [
  'darwin',
  'linux',
  'win32',
  'freebsd',
  'android',
  'openharmony',
  'sunos',
  'aix',
  'openbsd',
  'netbsd',
];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'];
const WINDOWS = { win32: 'win32' };
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const where = `${key ? `${key}/` : ''}node_modules/${name}`.replace(
      /^.*?node_modules\/(?=.*node_modules\/)/,
      'node_modules/',
    );
    const topLevel = `node_modules/${name}`;
    if (lock.packages[topLevel] || lock.packages[where]) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((p) => OS.includes(p)) ?? WINDOWS[parts.find((p) => p.startsWith('win32'))];
    const cpu = parts.find((p) => CPU.includes(p)) ?? (parts.includes('arm') ? 'arm' : undefined);
    if (!os || !cpu) continue;
    lock.packages[topLevel] = {
      version: version.replace(/^[\^~]/, ''),
      dev: entry.dev,
      optional: true,
      os: [os],
      cpu: [cpu],
    };
    added += 1;
  }
}
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`lockfile-platform-stubs: added ${added} optional platform entries`);
