// Bundles each entry below into dist/: ESM, minified, for browsers, each
// self-contained (the widget carries its own copy of the client). The
// output depends only on the sources and the locked esbuild version (no
// timestamps, no paths), so it is reproducible. `node build.mjs --check`
// rebuilds in memory and fails when a committed bundle differs from its
// sources.

import { build } from 'esbuild';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** What is bundled: one line per bundle. */
export const entries = [
  { source: 'src/tg1.js', bundle: 'dist/tg1.js' }, // the tg1 client
  { source: 'src/trackgate-tracker.js', bundle: 'dist/trackgate-tracker.js' }, // <trackgate-tracker>
];

/**
 * voprf-ts requires @noble/curves as CommonJS; our sources import it as
 * an ES module, which its package maps to another copy of the same code.
 * Resolving our imports as a require gives both the one CommonJS copy,
 * so that it is bundled once.
 * @type {import('esbuild').Plugin}
 */
const nobleOnce = {
  name: 'noble-once',
  setup(b) {
    b.onResolve({ filter: /^@noble\/curves\// }, (args) => (args.kind === 'import-statement'
      ? b.resolve(args.path, { kind: 'require-call', resolveDir: args.resolveDir })
      : undefined));
  },
};

/**
 * @param {{source: string, bundle: string}} entry
 * @returns {Promise<Uint8Array>} the bundle built from the sources
 */
export async function bundle(entry = entries[0]) {
  const result = await build({
    absWorkingDir: here,
    entryPoints: [entry.source],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'eof',
    charset: 'utf8',
    sourcemap: false,
    write: false,
    outfile: `${here}${entry.bundle}`,
    logLevel: 'warning',
    plugins: [nobleOnce],
  });
  return result.outputFiles[0].contents;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const entry of entries) {
    const built = await bundle(entry);
    const path = `${here}${entry.bundle}`;
    if (check) {
      const committed = await readFile(path).catch(() => new Uint8Array(0));
      if (Buffer.compare(Buffer.from(built), committed) !== 0) {
        console.error(`gateway/web/${entry.bundle} differs from its sources: run \`npm run build\` in gateway/web and commit the result`);
        stale++;
      } else {
        console.log(`gateway/web/${entry.bundle} matches its sources`);
      }
    } else {
      await mkdir(`${here}dist`, { recursive: true });
      await writeFile(path, built);
      console.log(`wrote ${entry.bundle} (${built.length} bytes)`);
    }
  }
  if (stale > 0) process.exit(1);
}
