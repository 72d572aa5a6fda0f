#!/usr/bin/env node
// The `mlw` command: runs the built CLI (`pnpm build` compiles src/ to dist/).
require("../dist/main.js");
