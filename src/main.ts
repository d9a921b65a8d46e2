// The service's entry point (`node dist/src/main.js`). The Node.js version is checked before the service's
// modules are loaded: they import node:sqlite, which an older Node cannot even link (see node-version.ts).
import { exitUnlessSupportedNode } from './platform/runtime/node-version.js';

exitUnlessSupportedNode();
await import('./service.js');
