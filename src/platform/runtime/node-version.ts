/**
 * The Node.js release the service runs on. It needs node:sqlite and other Node 24 APIs: on an older
 * Node the module graph fails to link with "No such built-in module: node:sqlite" before a line of ours
 * runs, which tells an operator nothing. Entry points check this first and import the rest dynamically.
 * Keep it free of imports (and of newer syntax): it must load on any Node an operator may have.
 */

/** The same range as "engines" in package.json (a test keeps the two equal). */
export const REQUIRED_NODE_RANGE = '>=24.9 <25';
const MINIMUM: readonly [number, number] = [24, 9];
const BELOW_MAJOR = 25;

/** Why this Node.js cannot run the service, or undefined when it can. */
export function unsupportedNodeReason(version: string): string | undefined {
  const [major = NaN, minor = NaN] = version.replace(/^v/, '').split('.').map(Number);
  const supported =
    major < BELOW_MAJOR && (major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1]));
  if (supported) return undefined;
  return (
    `The billing engine needs Node.js ${REQUIRED_NODE_RANGE} (Node 24), but this is Node.js v${version.replace(/^v/, '')}. ` +
    'Run it through npm (`npm start`: the repository brings its own Node 24 on the PATH of npm scripts), ' +
    'with node_modules/.bin/node, or in the Docker image.'
  );
}

/** Stops the process with that message (exit code 1) when this Node.js is not supported. */
export function exitUnlessSupportedNode(): void {
  const reason = unsupportedNodeReason(process.versions.node);
  if (reason === undefined) return;
  console.error(reason);
  process.exit(1);
}
