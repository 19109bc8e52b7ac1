import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Modules with logic that are tested elsewhere, each with the reason. Keep this short: a module that
 * decides anything gets a test at its own path.
 */
const EXEMPT: Record<string, string> = {
  'app/ports/message-refs.ts':
    "a port; its one value, DRAWING, is the publishers' table of names, checked in queued-publisher.test.ts",
  'composition/verify-worker.ts':
    "a worker thread's entry file, which runs only inside a thread: worker-verifier.test.ts runs it there",
  'composition/ledger-walk-worker.ts':
    "a worker thread's entry file, which runs only inside a thread: thread-ledger-walker.test.ts runs it there",
};

/**
 * Test files with no module of their own:
 * - test/e2e/: the whole system as it runs or ships (processes and their crashes, a Redis restart,
 *   Prometheus and Alertmanager, a whole rollout, text through every surface, the build);
 * - test/architecture/: checks of src/ as a whole (the dependency rule, the ledger writer, this file);
 * - test/docs/: checks that a document in docs/ still says what src/ does (AUDIT.md's examples);
 * - test/observability/: checks that a file in observability/ (the Grafana dashboard) still names
 *   what the bot exports.
 * Shared helpers (test/support/, test/fixtures/, test/domain/fixtures.ts, the contract suites
 * `*.contract.ts`) are not test files, so they need no exemption.
 */
const WHOLE_SYSTEM = ['e2e/', 'architecture/', 'docs/', 'observability/'];

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

/** Every file under `root`, as a POSIX path relative to it. */
const list = (root: string) => [...files(root)].map((path) => relative(root, path).split('\\').join('/'));

const stripComments = (source: string) =>
  source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

/**
 * Whether a module has logic, read from its text. A type-only module holds nothing but imports, type
 * aliases and interfaces: every top-level statement (a line that starts at column 0, once comments
 * are gone; biome formats everything else indented) is `import`, `type`, `interface`, their `export`
 * and `declare` forms, or a closing bracket. Any other top-level line declares a function, a class or
 * a value, or is a statement, and that is logic.
 */
function hasLogic(source: string): boolean {
  const TYPE_ONLY =
    /^(?:import\b|export\s+(?:type|interface|declare)\b|(?:declare\s+)?(?:type|interface)\b|[}\])])/;
  return stripComments(source)
    .split('\n')
    .some((line) => /^\S/.test(line) && !TYPE_ONLY.test(line));
}

/**
 * The module a test file mirrors, or undefined for one that mirrors none by design: a module of
 * src/, or under test/scripts/ one of scripts/ (the benchmark's own logic).
 */
function mirrored(testPath: string): string | undefined {
  if (WHOLE_SYSTEM.some((folder) => testPath.startsWith(folder))) return undefined;
  return testPath.replace(/\.test\.ts$/, '.ts');
}

const modules = list('src').filter((path) => path.endsWith('.ts'));
const scripts = list('scripts').map((path) => `scripts/${path}`);
const tests = list('test').filter((path) => path.endsWith('.test.ts'));
const withLogic = modules.filter((path) => hasLogic(readFileSync(join('src', path), 'utf8')));

describe('the test layout', () => {
  it('has a test at test/<path>.test.ts for every module of src/ with logic, or a reason it has none', () => {
    const untested = withLogic.filter(
      (path) => !Object.hasOwn(EXEMPT, path) && !tests.includes(path.replace(/\.ts$/, '.test.ts')),
    );
    expect(untested).toEqual([]);
  });

  it('has no test file whose module does not exist, outside the whole-system folders', () => {
    const stray = tests.filter((path) => {
      const module = mirrored(path);
      return module !== undefined && !modules.includes(module) && !scripts.includes(module);
    });
    expect(stray).toEqual([]);
  });

  it('exempts only modules that exist, have logic and have no test of their own', () => {
    const stale = Object.keys(EXEMPT).filter(
      (path) => !withLogic.includes(path) || tests.includes(path.replace(/\.ts$/, '.test.ts')),
    );
    expect(stale).toEqual([]);
  });
});

describe('the logic it looks for', () => {
  it.each([
    [
      'a type alias and an interface',
      "import type { A } from './a.js';\nexport type B = A | null;\nexport interface C {\n  run(): void;\n}\n",
    ],
    [
      'a multi-line union and a re-export of types',
      'export type D =\n  | { kind: 1 }\n  | { kind: 2 };\nexport type { E } from "./e.js";\n',
    ],
    [
      'a method whose type has an arrow',
      'export interface Lock {\n  withLock<T>(work: () => Promise<T>): Promise<T>;\n}\n',
    ],
    ['comments that show code', '/*\nexport const x = 1;\n*/\n// const y = 2;\nexport type F = string;\n'],
  ])('finds none in %s', (_what, source) => {
    expect(hasLogic(source)).toBe(false);
  });

  it.each([
    ['a function', 'export function f() {\n  return 1;\n}\n'],
    ['an async function', 'export async function f() {}\n'],
    ['a class', 'export class K {}\n'],
    ['an arrow in a const', 'export const f = (x: number) => x + 1;\n'],
    ['a constant table', "export const IDS = { a: 'a' } as const;\n"],
    ['a top-level statement', 'process.exitCode = await run();\n'],
    ['a type and a value side by side', 'export type T = 1;\nconst limit = 3;\n'],
  ])('finds it in %s', (_what, source) => {
    expect(hasLogic(source)).toBe(true);
  });

  it('sorts real modules: logic in decide and the DRAWING table, none in type-only ports and events', () => {
    expect(withLogic).toEqual(
      expect.arrayContaining(['domain/decide.ts', 'app/ports/message-refs.ts', 'main.ts']),
    );
    for (const typeOnly of [
      'app/ports/rollout-store.ts',
      'app/ports/traffic-lock.ts',
      'domain/incident-event.ts',
    ])
      expect(withLogic).not.toContain(typeOnly);
  });
});
