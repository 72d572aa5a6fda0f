/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  // The fault suite runs apart, with `pnpm test:faults` (jest.faults.config.js).
  testPathIgnorePatterns: ["/node_modules/", "/test/faults/"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json", diagnostics: { warnOnly: false, ignoreCodes: [151002] } }] },
  testTimeout: 120000,
};
