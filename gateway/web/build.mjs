// Bundles the tg1 client (src/tg1.js and its dependencies) into
// dist/tg1.js: ESM, minified, for browsers. The output depends only on the
// sources and the locked esbuild version (no timestamps, no paths), so it
// is reproducible. `node build.mjs --check` rebuilds in memory and fails
// when the committed bundle differs from its sources.

import { build } from 'esbuild';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const outfile = `${here}dist/tg1.js`;

/** @returns {Promise<Uint8Array>} the bundle built from the sources */
export async function bundle() {
  const result = await build({
    absWorkingDir: here,
    entryPoints: ['src/tg1.js'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'eof',
    charset: 'utf8',
    sourcemap: false,
    write: false,
    outfile,
    logLevel: 'warning',
  });
  return result.outputFiles[0].contents;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await bundle();
  if (process.argv.includes('--check')) {
    const committed = await readFile(outfile).catch(() => new Uint8Array(0));
    if (Buffer.compare(Buffer.from(built), committed) !== 0) {
      console.error('gateway/web/dist/tg1.js differs from its sources: run `npm run build` in gateway/web and commit the result');
      process.exit(1);
    }
    console.log('gateway/web/dist/tg1.js matches its sources');
  } else {
    await mkdir(`${here}dist`, { recursive: true });
    await writeFile(outfile, built);
    console.log(`wrote dist/tg1.js (${built.length} bytes)`);
  }
}
