import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleFolder, serveConsole } from './console-static.js';

@Module({})
class NoRoutes {}

/** The console's files at /console: assets as they are, index.html for the console's own routes. */
describe('serving the console', () => {
  let dir: string;
  let app: INestApplication;
  let base: string;

  async function serve(folder: string) {
    app = await NestFactory.create(NoRoutes, { logger: false });
    serveConsole(app, folder);
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/console`.replace('[::1]', '127.0.0.1');
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'console-static-'));
  });
  afterEach(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves assets, and index.html (not cached) for a client route such as /console/accounts/anna', async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    await serve(dir);
    const page = await fetch(`${base}/accounts/anna`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(await page.text()).toBe('<div id="root"></div>');
    const asset = await fetch(`${base}/assets/index-abc.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log(1)');
    // No key is needed for the files: they hold no data (the API calls carry the key).
    expect((await fetch(`${base}/`)).status).toBe(200);
  });

  it('a missing asset is a 404, not the page', async () => {
    writeFileSync(join(dir, 'index.html'), '<div id="root"></div>');
    await serve(dir);
    expect((await fetch(`${base}/assets/gone-123.js`)).status).toBe(404);
  });

  it('without a build, /console says how to build it', async () => {
    await serve(join(dir, 'not-built'));
    const answer = await fetch(`${base}/`);
    expect(answer.status).toBe(404);
    expect(await answer.text()).toContain('npm run build');
  });

  it('looks for the build in dist/console of the project', () => {
    expect(consoleFolder()).toBe(join(process.cwd(), 'dist', 'console'));
  });
});
