/** @type {import('jest').Config} The browser tests (`pnpm test:ui`): Chromium against the real stack. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.browser.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/test/tsconfig.json", diagnostics: { warnOnly: false, ignoreCodes: [151002] } }] },
  testTimeout: 180000,
};
