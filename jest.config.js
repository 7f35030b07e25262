/**
 * Jest projects, one per test tier that runs in Node. `npm test` (scripts/test.ts) runs each
 * with --selectProjects and the environment of the stack it started; see tests/support/env.ts.
 */
const transform = {
  '\\.[jt]sx?$': [
    'babel-jest',
    {
      configFile: false,
      babelrc: false,
      presets: [
        ['@babel/preset-env', { targets: { node: 'current' } }],
        '@babel/preset-typescript',
        ['@babel/preset-react', { runtime: 'automatic' }],
      ],
    },
  ],
};
// jose and a few others ship ESM only: let babel turn them into CommonJS for jest.
const transformIgnorePatterns = ['/node_modules/(?!(jose|@tarojs|tslib)/)'];
// .local/ holds the toolchain and Deno's npm cache (packages of the versions a deploy imports, next
// to older ones): jest's module map must not take them for the project's node_modules.
const modulePathIgnorePatterns = ['<rootDir>/.local/'];

const project = (displayName, testMatch, extra = {}) => ({
  displayName,
  testMatch,
  transform,
  transformIgnorePatterns,
  modulePathIgnorePatterns,
  testEnvironment: 'node',
  rootDir: '.',
  ...extra,
});

export default {
  projects: [
    project('unit', ['<rootDir>/shared/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts', '<rootDir>/miniapp/src/**/*.test.ts']),
    project('database', ['<rootDir>/supabase/tests/database/**/*.test.ts']),
    project('api', ['<rootDir>/supabase/tests/api/**/*.test.ts']),
    project('miniprogram', ['<rootDir>/miniapp/tests/runtime/**/*.test.ts']),
    project('stack', ['<rootDir>/tests/stack/**/*.test.ts']),
    project('e2e', ['<rootDir>/tests/e2e/**/*.test.ts']),
  ],
};
