/**
 * The fault suite (`pnpm test:faults`): each file starts its own Redis, API and workers and
 * breaks them (SIGKILLs, a Redis restart, terminated Postgres connections). Not part of `pnpm test`.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require("./jest.config.js"),
  roots: ["<rootDir>/test/faults"],
  testMatch: ["**/*.faults.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 300000,
};
