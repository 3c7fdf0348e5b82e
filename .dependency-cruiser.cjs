/**
 * The layering of docs/architecture.md#layers as rules: every import points down.
 *
 *   core ← storage ← evaluator / provider / activities ← workflows ← bot ← web ← cli
 *   render (Block Kit notifications) sits on core, under both activities and bot.
 *   web/console (the browser console's sources) imports none of them: it calls /api/v1.
 *
 * Tests and test fixtures are outside the product: they may import anything, and no product
 * file may import them. Run with `npm run depcruise`.
 */

/** Files that exist for tests only; they are never part of the product build. */
const TEST_CODE = [
  '\\.test\\.ts$',
  '(^|/)test/',
  '(^|/)__fixtures__/',
  '(^|/)[^/]*fixtures?\\.ts$',
  '(^|/)test-[^/]*\\.ts$',
];

/** `from` for a product file in `folder` (tests in that folder are exempt from the layer rules). */
const productIn = (folder) => ({ path: `^${folder}/`, pathNot: TEST_CODE });

/** A rule that lets files of `folder` import only the listed folders (plus npm packages and node builtins). */
function onlyImports(folder, allowed, comment) {
  const ours = [
    'core',
    'storage',
    'render',
    'evaluator',
    'provider',
    'activities',
    'workflows',
    'bot',
    'web',
    'cli',
    'bench',
    'scripts',
    'test',
  ];
  const forbidden = ours.filter((other) => other !== folder && !allowed.includes(other));
  return {
    name: `${folder}-imports-only-${allowed.length ? allowed.join('-') : 'itself'}`,
    comment,
    severity: 'error',
    from: productIn(folder),
    to: { path: `^(${forbidden.join('|')})/` },
  };
}

module.exports = {
  forbidden: [
    onlyImports(
      'core',
      [],
      'core is the pure domain: it knows nothing of Postgres, Redis, Slack or Temporal, and nothing of ours above it.',
    ),
    {
      name: 'core-no-io-packages',
      comment:
        'core stays pure: of npm packages only the schema, hashing and version libraries, of node builtins only crypto and util. Type-only imports (e.g. a Logger type) are fine.',
      severity: 'error',
      from: productIn('core'),
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'core'],
        dependencyTypesNot: ['type-only'],
        pathNot: ['(^|/)node_modules/(zod|ajv|semver|murmurhash)/', '^(node:)?(crypto|util)$'],
      },
    },
    onlyImports('storage', ['core'], 'storage (Postgres and Redis adapters) builds on core only.'),
    onlyImports(
      'render',
      ['core'],
      'render turns domain facts into Block Kit; both bot and activities import it, so it imports neither.',
    ),
    onlyImports(
      'evaluator',
      ['core', 'storage'],
      'the evaluator serves snapshots: core to evaluate, storage to read them.',
    ),
    onlyImports(
      'provider',
      ['core', 'storage'],
      'the in-process provider is the evaluator inside an application: core and storage only.',
    ),
    onlyImports(
      'activities',
      ['core', 'storage', 'render'],
      'activities do the I/O for workflows; they must not reach up into workflows, bot or cli.',
    ),
    {
      name: 'workflows-imports-only-core-and-activity-types',
      comment:
        'Workflow code is bundled into a deterministic sandbox: it may import core, other workflows and, as types only, activities (proxyActivities gives it the functions).',
      severity: 'error',
      from: productIn('workflows'),
      to: {
        path: '^(storage|render|evaluator|provider|activities|bot|cli|bench|scripts|test)/',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'workflows-no-io-packages',
      comment:
        'Workflows import nothing with I/O: of npm packages only the Temporal workflow API and its common types; no node builtins.',
      severity: 'error',
      from: productIn('workflows'),
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'core'],
        dependencyTypesNot: ['type-only'],
        pathNot: ['(^|/)node_modules/@temporalio/(workflow|common)/'],
      },
    },
    onlyImports(
      'bot',
      ['core', 'storage', 'render', 'evaluator', 'provider', 'activities', 'workflows'],
      'the bot sits on everything below it; only cli is above.',
    ),
    onlyImports(
      'web',
      ['core', 'storage', 'render', 'evaluator', 'provider', 'activities', 'workflows', 'bot'],
      'the HTTP API is a transport beside the bot: it may use the command handler and everything below it; only cli is above.',
    ),
    {
      name: 'console-is-browser-code',
      comment:
        'The browser console (web/console/src) is bundled for a browser: no node builtins, nothing of the server; it talks to it over /api/v1 (web/console/src/api.ts).',
      severity: 'error',
      from: { path: '^web/console/src/' },
      to: {
        path: '^(core|storage|render|evaluator|provider|activities|workflows|bot|cli|bench|scripts|test)/|^web/(?!console/)',
      },
    },
    {
      name: 'console-no-node-builtins',
      comment: 'A node builtin in the console bundle fails in the browser.',
      severity: 'error',
      from: { path: '^web/console/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'nothing-imports-the-console',
      comment:
        'The console is the top layer of the browser side: the server serves its build, it never imports its sources.',
      severity: 'error',
      from: { pathNot: '^web/console/' },
      to: { path: '^web/console/' },
    },
    {
      name: 'no-product-imports-test-code',
      comment: 'Tests and fixtures are not shipped: a product file that imports one drags test code into the build.',
      severity: 'error',
      from: { path: '^(core|storage|render|evaluator|provider|activities|workflows|bot|web|cli)/', pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
    {
      name: 'no-circular',
      comment: 'A cycle means two modules are one module in two files; the layers above cannot hold with one.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing package.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    // See type-only imports too, so "workflows import activities as types only" can be checked.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
