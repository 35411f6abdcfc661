// Shared jest settings: TypeScript through swc (type checking is the `lint` target's job),
// CommonJS output, and `.js` import specifiers mapped back to the `.ts` sources.
const path = require('node:path');

// ESM-only packages that jest (CommonJS mode) must transpile.
const esmOnly = ['@kubernetes/client-node', 'openid-client', 'oauth4webapi', 'jose', 'agent-base',
  'socks-proxy-agent', 'rfc4648', 'jsonpath-plus', 'jsep', '@jsep-plugin'];

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(ts|js|mjs)$': ['@swc/jest', {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  passWithNoTests: true,
  reporters: ['default', path.join(__dirname, 'tools/jest-count-reporter.cjs')],
};
