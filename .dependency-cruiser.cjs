/**
 * The hexagon's rules, checked in CI (`npm run arch`). Dependencies point inward:
 * domain ← application ← adapters ← entrypoints.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Cycles hide the direction of a dependency.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The domain imports only itself and zod: no clock, randomness, I/O, AWS or node built-ins.',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'domain-no-core-modules',
      severity: 'error',
      comment: 'node:crypto, node:fs, timers… are I/O or randomness; the domain gets time and ids through commands.',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'application-talks-to-ports',
      severity: 'error',
      comment: 'Application code sees the domain and its own ports, never adapters, entrypoints or vendors.',
      from: { path: '^src/application/' },
      to: { pathNot: ['^src/application/', '^src/domain/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'application-no-core-modules',
      severity: 'error',
      from: { path: '^src/application/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'aws-sdk-only-in-adapters',
      severity: 'error',
      comment: 'Only adapters speak to AWS.',
      from: { pathNot: '^src/adapters/' },
      to: { path: '(^|/)node_modules/@aws-sdk/' },
    },
    {
      name: 'inversify-only-in-entrypoints',
      severity: 'error',
      comment: 'Only composition roots know the container.',
      from: { pathNot: '^src/entrypoints/' },
      to: { path: '(^|/)node_modules/(inversify|@inversifyjs/|reflect-metadata)' },
    },
    {
      name: 'adapters-not-entrypoints',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/entrypoints/' },
    },
    {
      name: 'local-runtime-only-from-local',
      severity: 'error',
      comment: 'Production wiring never starts from development wiring: only the local runtime (npm start) imports the local runtime.',
      from: { pathNot: '^src/entrypoints/local/' },
      to: { path: '^src/entrypoints/local/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: '`aws-lambda` is types only (@types/aws-lambda, imported with `import type`): it has no module to resolve.',
      from: {},
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.json'] },
  },
};
