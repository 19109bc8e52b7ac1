import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The transition path: the only modules that build ledger bodies or hand them to a store. Every entry
 * is committed by a store in the same atomic step as the change it records (a rollout transition, an
 * incident transition, a registry root), so no entry can exist without its change, or the reverse.
 */
const TRANSITION_PATH = new Set([
  'app/ledger-body.ts',
  'app/transition.ts',
  'app/transition-incident.ts',
  'app/registry-guard.ts',
]);

/** The stores behind the ledger port, which write the entries they are handed. */
const STORES = /^adapters\/(redis|memory)\//;

// Writing to the ledger takes one of: an append, a store's commit with a body, a registry root's
// confirm or recover with an entry, or a ledger body written out as an object (`v: 1` with an action).
const WRITES: Array<[string, RegExp]> = [
  ['appends to a ledger', /\bledger\s*\.\s*append\s*\(|\.append\s*\(\s*\{\s*v:\s*1/],
  ['commits to a store', /\.\s*commit\s*\(/],
  ['confirms or recovers a registry root', /\brootRecord\s*\.\s*(confirm|recover)\s*\(/],
  ['builds a ledger body by hand', /\bv:\s*1,[\s\S]{0,400}?\baction:/],
];

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

function writersIn(files: Iterable<[string, string]>): string[] {
  const found: string[] = [];
  for (const [path, text] of files) {
    if (TRANSITION_PATH.has(path) || STORES.test(path)) continue;
    for (const [what, pattern] of WRITES) if (pattern.test(text)) found.push(`${path} ${what}`);
  }
  return found;
}

describe('the one ledger writer', () => {
  it('is the transition path: no other module of src/ writes to the ledger', () => {
    const files = [...sources('src')].map(
      (file) => [relative('src', file).split('\\').join('/'), readFileSync(file, 'utf8')] as [string, string],
    );
    expect(writersIn(files)).toEqual([]);
  });

  it('would catch a module that appends, commits or writes a body of its own', () => {
    const planted: Array<[string, string]> = [
      ['adapters/slack/x.ts', 'await deps.ctx.ledger.append({ v: 1, at, action: "acknowledge" })'],
      ['app/post-review.ts', 'await ctx.store.commit(phase, version, null, body)'],
      ['adapters/bullmq/y.ts', 'const entry = { v: 1, at: now, phase, action: "certify", reason };'],
      ['app/transition.ts', 'await deps.store.commit(phase, loaded.version, next, body)'],
    ];
    expect(writersIn(planted)).toEqual([
      'adapters/slack/x.ts appends to a ledger',
      'adapters/slack/x.ts builds a ledger body by hand',
      'app/post-review.ts commits to a store',
      'adapters/bullmq/y.ts builds a ledger body by hand',
    ]);
  });
});
