import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the console (scripts/build-console.mjs): dist/console of the project. */
export function consoleFolder(): string {
  // From src/ops/console (tests run the TypeScript) or dist/src/ops/console: the nearest package.json.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'console');
}

/**
 * Serves the browser console at /console: its static files, and index.html for the console's own routes
 * (a reload of /console/accounts/x). The files need no key — they hold no data; every API call the console
 * makes carries the key the person pasted. Without a built console, /console answers 404 with how to build.
 */
export function serveConsole(app: INestApplication, folder = consoleFolder()): void {
  const files = express.static(folder, { index: false, fallthrough: true, maxAge: 0 });
  const index = join(folder, 'index.html');
  app.use('/console', (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    // Hashed assets may be cached for good; index.html must not be, or a new build would not be seen.
    if (request.path.startsWith('/assets/'))
      response.setHeader('cache-control', 'public, max-age=31536000, immutable');
    files(request, response, () => {
      // A missing asset is a 404, not the page: only client routes (no file extension) get index.html.
      if (/\.[a-z0-9]+$/i.test(request.path)) return next();
      if (!existsSync(index)) {
        response
          .status(404)
          .type('text/plain')
          .send('The console is not built: run `npm run build` (it builds dist/console).');
        return;
      }
      response.setHeader('cache-control', 'no-store');
      response.sendFile(index);
    });
  });
}
