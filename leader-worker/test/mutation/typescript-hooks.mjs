// Module hooks that let Node import the raft and chart specs straight from TypeScript source, so Stryker
// can mutate the .ts files and run the specs against them without a tsc build. esbuild only strips types
// (no type check: Stryker's TypeScript checker does that), which is exact for this code: it has no
// decorators and no emitted metadata. Sources import each other as './x.js' (nodenext style); when no
// such .js file exists, the .ts beside it is loaded instead.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

export async function resolve(specifier, context, nextResolve) {
  const isRelative = specifier.startsWith('./') || specifier.startsWith('../');
  if (isRelative && specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
    const typescriptUrl = new URL(`${specifier.slice(0, -'.js'.length)}.ts`, context.parentURL);
    const javascriptUrl = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(javascriptUrl)) && existsSync(fileURLToPath(typescriptUrl))) {
      return { url: typescriptUrl.href, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const { source } = await nextLoad(url, { ...context, format: 'module' });
  const result = await transform(String(source), {
    loader: 'ts',
    format: 'esm',
    target: 'es2022',
    sourcefile: fileURLToPath(url),
    sourcemap: 'inline',
  });
  return { format: 'module', source: result.code, shortCircuit: true };
}
