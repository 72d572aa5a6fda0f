import { defineConfig } from "vite";

/** Built into dist/ and served by the API under /ui/; everything bundled, nothing from a CDN. */
export default defineConfig({
  base: "/ui/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1500, sourcemap: false },
});
