// Bundles the browser code in web/ into the files the gateway serves (bot/static/…): `npm run build`.
// Each entry's leading /*! … */ comment becomes the bundle's header. The bundles are committed (the gateway
// serves them as they are, no Node on the servers); tests/bot/test_web_build.py fails when one is stale.
//
//   node web/build.mjs                  write the bundles into the repository
//   node web/build.mjs --outdir DIR     write them under DIR instead (same relative paths), for the check
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// One line per bundle: source entry -> served file (relative to the repository root).
export const ENTRIES = [
  { entry: "web/widget/main.js", out: "bot/static/widget.js" },
  { entry: "web/inbox/main.js", out: "bot/static/beratung/inbox.js" },
];

const COMMON = {
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2019", // browsers of 2019 on (optional catch binding, object spread)
  charset: "utf8",
  legalComments: "none", // the header comes as banner, once
  minify: false, // the served file stays readable
  logLevel: "warning",
};

function header(file) {
  const m = /^\s*(\/\*![\s\S]*?\*\/)/.exec(readFileSync(file, "utf8"));
  return m ? m[1] : "";
}

async function main(argv) {
  const i = argv.indexOf("--outdir");
  const outRoot = i >= 0 ? path.resolve(argv[i + 1]) : ROOT;
  for (const { entry, out, options } of ENTRIES) {
    const source = path.join(ROOT, entry);
    await esbuild.build({
      ...COMMON,
      ...options,
      absWorkingDir: ROOT,
      entryPoints: [source],
      outfile: path.join(outRoot, out),
      banner: { js: header(source) },
    });
  }
}

await main(process.argv.slice(2));
