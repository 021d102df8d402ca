// ESLint (flat config) for the browser code in web/: `npx eslint web` (part of `make lint`).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/**", "bot/static/**"] },
  js.configs.recommended,
  {
    files: ["web/**/*.js"],
    languageOptions: { ecmaVersion: "latest", sourceType: "module", globals: { ...globals.browser } },
    rules: {
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-var": "error",
      "prefer-const": "error",
      "no-implicit-globals": "error",
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none" }],
    },
  },
  {
    // Tests and the build script run in Node.
    files: ["web/**/*.test.js", "web/**/*.mjs", "eslint.config.js"],
    languageOptions: { ecmaVersion: "latest", sourceType: "module", globals: { ...globals.node } },
  },
];
