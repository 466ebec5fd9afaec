// Imports herald.js from where Herald serves it. It is an ES module in a `.js` file with no package.json around
// it: node >= 20.19 detects that by itself; older node (Debian 12's is 18.20) reads it as CommonJS, so there the
// tests import a byte-for-byte copy named `.mjs` instead.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const source = new URL('../../main/resources/META-INF/resources/herald.js', import.meta.url);

async function load() {
  try {
    return await import(source.href);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const copy = join(mkdtempSync(join(tmpdir(), 'herald-js-')), 'herald.mjs');
    copyFileSync(fileURLToPath(source), copy);
    return import(pathToFileURL(copy).href);
  }
}

export const herald = await load();
