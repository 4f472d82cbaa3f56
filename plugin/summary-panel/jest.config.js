// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');

module.exports = {
  ...base,
  // Some of Grafana's dependencies (d3-color) ship only .mjs files, so .mjs must go through SWC too.
  transform: {
    '^.+\\.(t|j)sx?$|^.+\\.mjs$': Object.values(base.transform)[0],
  },
  // Fixtures live under __tests__/fixtures; only *.test files are suites.
  testMatch: ['<rootDir>/src/**/*.test.{ts,tsx}'],
  // Grafana UI's first render is slow on a two-core machine shared by parallel suites.
  testTimeout: 30_000,
};
