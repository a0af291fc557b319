// Parses Flux scripts with InfluxData's own parser (@influxdata/flux, compiled to WebAssembly).
// The package is built for bundlers (`import * as wasm from './flux_bg.wasm'`), which Node cannot load,
// so its JavaScript glue is loaded with that import replaced, and the wasm module is instantiated here
// with the glue's exported __wbindgen_* functions as its imports.
// Input (stdin): a JSON array of Flux scripts. Output (stdout): a JSON array, one entry per script:
// { "errors": [...messages found anywhere in the AST...], "ast": <the AST> }.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const packageDirectory = dirname(require.resolve('@influxdata/flux/package.json'));
const glueSource = readFileSync(join(packageDirectory, 'flux.js'), 'utf8')
  .replace("import * as wasm from './flux_bg.wasm';", 'let wasm; export function __setWasm(instance) { wasm = instance; }');
if (!glueSource.includes('__setWasm')) {
  throw new Error('flux.js no longer has the expected wasm import');
}

const glue = await import('data:text/javascript;base64,' + Buffer.from(glueSource).toString('base64'));
const module = new WebAssembly.Module(readFileSync(join(packageDirectory, 'flux_bg.wasm')));
const imports = {};
for (const { module: from, name } of WebAssembly.Module.imports(module)) {
  (imports[from] ??= {})[name] = glue[name];
}
glue.__setWasm(new WebAssembly.Instance(module, imports).exports);

function collectErrors(node, found) {
  if (Array.isArray(node)) {
    node.forEach(child => collectErrors(child, found));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'errors' && Array.isArray(value)) {
        value.forEach(error => found.push(typeof error === 'string' ? error : (error.msg ?? JSON.stringify(error))));
      } else {
        collectErrors(value, found);
      }
    }
  }
  return found;
}

const scripts = JSON.parse(readFileSync(0, 'utf8'));
const results = scripts.map(script => {
  const ast = glue.parse(script);
  return { errors: collectErrors(ast, []), ast };
});
process.stdout.write(JSON.stringify(results));
