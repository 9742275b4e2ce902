// Builds dist/, the files the gateway embeds and serves at /docs/assets/:
// Swagger UI as swagger-ui-dist publishes it (its bundle, style sheet,
// license and notices) and our own small files from src/ (the script that
// starts Swagger UI on the page, the style sheet of the /docs pages).
// Nothing is compiled: each file is copied, with only the source-map
// comment dropped, since the maps are not served. The output depends only
// on src/ and the locked swagger-ui-dist, so it is reproducible.
// `node build.mjs --check` builds in memory and fails when the committed
// dist/ differs from it, file for file.

import { readFile, readdir, writeFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const swaggerUI = `${here}node_modules/swagger-ui-dist/`;
const dist = `${here}dist/`;

/** dist/ name → where it comes from, and whether to drop a source-map comment. */
const sources = {
  'swagger-ui-bundle.js': { from: `${swaggerUI}swagger-ui-bundle.js` },
  // The bundle's first line points readers at this file.
  'swagger-ui-bundle.js.LICENSE.txt': { from: `${swaggerUI}swagger-ui-bundle.js.LICENSE.txt` },
  'swagger-ui.css': { from: `${swaggerUI}swagger-ui.css`, dropSourceMap: true },
  'swagger-ui-LICENSE.txt': { from: `${swaggerUI}LICENSE` },
  'swagger-ui-NOTICE.txt': { from: `${swaggerUI}NOTICE` },
  'viewer.js': { from: `${here}src/viewer.js` },
  'docs.css': { from: `${here}src/docs.css` },
};

const sourceMapComment = /\n?\/\*# sourceMappingURL=[^*]*\*\/\s*$/;

/** @returns {Promise<Map<string, Buffer>>} every file of dist/, built from its sources */
export async function build() {
  const files = new Map();
  for (const [name, { from, dropSourceMap }] of Object.entries(sources)) {
    let body = await readFile(from);
    if (dropSourceMap) {
      const text = body.toString('utf8');
      const stripped = text.replace(sourceMapComment, '\n');
      if (stripped === text) {
        throw new Error(`${from}: no source-map comment to drop; has swagger-ui-dist changed its layout?`);
      }
      body = Buffer.from(stripped, 'utf8');
    }
    files.set(name, body);
  }
  return files;
}

/** @returns {Promise<string[]>} how the committed dist/ differs from what the sources build */
async function differences(built) {
  const problems = [];
  const committed = await readdir(dist).catch(() => []);
  for (const name of committed) {
    if (!built.has(name)) problems.push(`dist/${name} is not built from any source`);
  }
  for (const [name, body] of built) {
    const have = await readFile(`${dist}${name}`).catch(() => null);
    if (have === null) problems.push(`dist/${name} is missing`);
    else if (Buffer.compare(have, body) !== 0) problems.push(`dist/${name} differs from its source`);
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await build();
  if (process.argv.includes('--check')) {
    const problems = await differences(built);
    if (problems.length > 0) {
      for (const p of problems) console.error(`openapi/viewer/${p}`);
      console.error('run `npm ci && npm run build` in openapi/viewer and commit dist/');
      process.exit(1);
    }
    console.log(`openapi/viewer/dist matches its sources (${built.size} files)`);
  } else {
    await rm(dist, { recursive: true, force: true });
    await mkdir(dist, { recursive: true });
    let total = 0;
    for (const [name, body] of built) {
      await writeFile(`${dist}${name}`, body);
      total += body.length;
    }
    console.log(`wrote dist/ (${built.size} files, ${total} bytes)`);
  }
}
