/**
 * The import graph's rules, checked by `npm run lint` (dependency-cruiser). ESLint's import
 * plugins skip `import type` when they look for cycles; this one counts type-only imports too
 * (tsPreCompilationDeps), because a type cycle is still two modules that cannot be read apart.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment:
        'Modules that import each other, directly or through others, type-only imports included. ' +
        "A cycle through a dynamic import() is allowed: the viewer's route table loads each screen lazily, " +
        'and a screen may navigate through the router that loaded it.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['dynamic-import'] } },
    },
    {
      name: 'shared-is-isomorphic',
      severity: 'error',
      comment: 'shared/ is used by both sides: it imports neither server/ nor viewer/ (STYLE.md rule 10).',
      from: { path: '^shared/' },
      to: { path: '^(server|viewer)/' },
    },
    {
      name: 'viewer-never-imports-server',
      severity: 'error',
      from: { path: '^viewer/' },
      to: { path: '^server/' },
    },
    {
      name: 'app-code-never-imports-tests',
      severity: 'error',
      from: { path: '^(server|shared|viewer)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
