// Layer rules the build enforces (`npm run check` runs `depcruise`). The TypeScript configs cover what a
// layer may USE (DOM, Node); these rules cover which FILES a layer may import, which no tsconfig can say.
//
//   src/core   pure TypeScript: imports only itself and a few audited pure npm libraries
//   src/       the web app: never functions/ or infra/
//   functions/ the Lambdas: only src/core, themselves and npm
//   infra/     CDK and the embedded stack: functions/, src/core and npm (never the app's src/lib)
//   tests/     may import anything; nothing else imports tests/
// Limitation: in .svelte files dependency-cruiser sees only the compiled imports, so a type-only import there
// is invisible to these rules (svelte-check still type-checks it against tsconfig.json).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-core',
      comment: 'src/core is shared by the app and the Lambdas: it imports only other core files.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { dependencyTypes: ['local'], pathNot: '^src/core/' },
    },
    {
      name: 'core-no-node-builtins',
      comment: 'src/core runs in the browser too: no node: builtins.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-only-pure-npm',
      comment:
        'src/core may use an npm package only if it is pure (no DOM, no Node, no SDK): add one here after checking.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { dependencyTypesNot: ['local', 'core'], pathNot: '(^|/)node_modules/@noble/hashes/' },
    },
    {
      name: 'app-not-to-server',
      comment: 'The web app ships to phones: it never imports Lambda or deployment code.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(functions|infra)/' },
    },
    {
      name: 'functions-only-core',
      comment: 'A Lambda bundles what it imports: only src/core, functions/ itself and npm packages.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { dependencyTypes: ['local'], pathNot: '^(functions|src/core)/' },
    },
    {
      name: 'infra-not-to-app',
      comment: 'infra/ may import functions/ and src/core, never the rest of the app, scripts or tests.',
      severity: 'error',
      from: { path: '^infra/' },
      to: {
        dependencyTypes: ['local'],
        pathNot: ['^(infra|functions|src/core)/'],
      },
    },
    {
      name: 'nothing-imports-tests',
      comment: 'Only tests import test code; anything shared with scripts lives outside tests/.',
      severity: 'error',
      from: { pathNot: '^tests/' },
      to: { path: '^tests/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes load order matter and the layers meaningless.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import that does not resolve would slip past every rule above. The one exception: the AppSync JS ' +
        "handlers import the runtime's own module, which exists only inside AppSync (infra/cdk/push/).",
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^@aws-appsync/utils$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports cross layers too (`import type { RuntimeConfig }`): count them.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.svelte', '.json', '.d.ts'],
    },
  },
};
