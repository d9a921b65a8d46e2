/**
 * Layer rules, checked by `npm run lint` (dependency-cruiser). docs/architecture.md prints them.
 *
 *   src/domain      pure: imports only big.js and itself
 *   src/platform    infrastructure (event store, command handling, clock, HTTP edge, config, vault):
 *                   imports the domain and itself, never a capability or projections
 *   projections/    read models, workers and their runner: the domain and the store port only
 *   capabilities    src/ledger < src/accounts < src/documents < src/delivery < src/timelines < src/audit, src/ops:
 *                   each may use the ones to its left, never one to its right (the ledger reads
 *                   account facts through its AccountDirectory port, implemented in src/accounts)
 *   everywhere      no import cycle, between files or between folders; nothing in src imports tests
 */
const CAPABILITIES = [
  'accounts',
  'ledger',
  'documents',
  'delivery',
  'timelines',
  'audit',
  'ops',
  'simulation',
];
const capability = (names) => `^src/(${names.join('|')})/`;
/** Tests and their fixtures beside the code (excluded from the build). */
const TEST_CODE = '\\.(spec|test|fixtures)\\.ts$';
const COMPOSITION_ROOT = '^src/(app\\.module|bootstrap|main|service)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'The domain imports only big.js and itself: no framework, no I/O, no clock.',
      severity: 'error',
      from: { path: '^src/domain/', pathNot: TEST_CODE },
      to: { pathNot: ['^src/domain/', '(^|/)node_modules/big\\.js/'] },
    },
    {
      name: 'domain-specs-stay-in-the-domain',
      comment: 'Decider specs and fixtures use the domain, the shared test support and fast-check only.',
      severity: 'error',
      from: { path: '^src/domain/.*\\.(spec|fixtures)\\.ts$' },
      to: { pathNot: ['^src/domain/', '^test/support/', '(^|/)node_modules/(big\\.js|fast-check|@jest)/'] },
    },
    {
      name: 'platform-imports-no-capability',
      comment: 'Infrastructure (src/platform) knows no capability, projection or composition root.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: [capability(CAPABILITIES), '^projections/', COMPOSITION_ROOT] },
    },
    {
      name: 'projections-import-domain-and-store-port',
      comment:
        'Projections and workers read the log: the domain and the event-store port, no application code.',
      severity: 'error',
      from: { path: '^projections/' },
      to: { path: '^src/', pathNot: ['^src/domain/', '^src/platform/event-store/'] },
    },
    {
      name: 'ledger-uses-no-higher-capability',
      severity: 'error',
      from: { path: '^src/ledger/' },
      to: {
        path: capability(['accounts', 'documents', 'delivery', 'timelines', 'audit', 'ops', 'simulation']),
      },
    },
    {
      name: 'accounts-use-no-higher-capability',
      severity: 'error',
      from: { path: '^src/accounts/' },
      to: { path: capability(['documents', 'delivery', 'timelines', 'audit', 'ops', 'simulation']) },
    },
    {
      name: 'documents-use-no-higher-capability',
      severity: 'error',
      from: { path: '^src/documents/' },
      to: { path: capability(['delivery', 'timelines', 'audit', 'ops', 'simulation']) },
    },
    {
      name: 'delivery-uses-no-higher-capability',
      comment:
        'Delivery (e-mail and webhooks of issued documents) stands on documents, accounts and the platform.',
      severity: 'error',
      from: { path: '^src/delivery/' },
      to: { path: capability(['timelines', 'audit', 'ops', 'simulation']) },
    },
    {
      name: 'timelines-use-no-higher-capability',
      severity: 'error',
      from: { path: '^src/timelines/' },
      to: { path: capability(['audit', 'ops', 'simulation']) },
    },
    {
      name: 'capabilities-do-not-import-the-composition-root',
      comment: 'Only main.ts, the CLIs, the simulation, tests and benchmarks start the application.',
      severity: 'error',
      from: {
        path: capability(['accounts', 'ledger', 'documents', 'delivery', 'timelines', 'audit', 'ops']),
      },
      to: { path: COMPOSITION_ROOT },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      from: { path: '^(src|projections)/', pathNot: TEST_CODE },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-file-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders form a layered graph too: no folder reaches back into one that reaches it.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Tests beside the code use test/support; its own imports are not followed (tests are not a layer).
    doNotFollow: { path: ['node_modules', '^test/'] },
    exclude: { path: '(^|/)(dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
