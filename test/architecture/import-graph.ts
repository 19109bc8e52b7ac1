import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';

/** One import of one module: what it names, as written, and the `src/` file it resolves to, if any. */
export interface ImportEdge {
  from: string;
  specifier: string;
  /** The imported file relative to `src/`, for a relative import; undefined for a package or builtin. */
  to: string | undefined;
}

// Static imports and re-exports (`import … from '…'`, `export … from '…'`, bare `import '…'`) and
// dynamic `import('…')`. Comments are stripped first, so an example in a doc comment is no edge.
const IMPORT =
  /^\s*(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1|^\s*import\s*(['"])([^'"]+)\3|\bimport\s*\(\s*(['"])([^'"]+)\5/gm;

const stripComments = (source: string) =>
  source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

function* tsFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** Every import edge of every module under `srcDir`, with paths relative to it. */
export function importGraph(srcDir: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of tsFiles(srcDir)) {
    const from = relative(srcDir, file).split('\\').join('/');
    for (const match of stripComments(readFileSync(file, 'utf8')).matchAll(IMPORT)) {
      const specifier = (match[2] ?? match[4] ?? match[6]) as string;
      const to = specifier.startsWith('.')
        ? posix.normalize(posix.join(dirname(from), specifier)).replace(/\.js$/, '.ts')
        : undefined;
      edges.push({ from, specifier, to });
    }
  }
  return edges;
}
