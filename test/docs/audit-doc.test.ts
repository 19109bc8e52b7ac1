import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type AuditExample,
  ExampleReader,
  type ExampleVerifier,
  mutationsOf,
  parseExamples,
} from './audit-examples.js';
import { CODE_VERIFIER } from './code-verifier.js';
import { DOC_VERIFIER } from './doc-verifier.js';

const DOC = 'docs/AUDIT.md';
const examples = parseExamples(readFileSync(DOC, 'utf8'));
const byLabel = new Map(examples.map((example) => [example.label, example]));

const VERIFIERS = { 'the rules of the doc alone': DOC_VERIFIER, "the bot's own code": CODE_VERIFIER };

/** Runs one verifier on `example`, which must also leave no field of it unread. */
async function check(verifier: ExampleVerifier, example: AuditExample): Promise<void> {
  const read = new ExampleReader(example);
  const other = (label: string) => {
    const found = byLabel.get(label);
    if (!found) throw new Error(`example ${example.label} builds on ${label}, which the doc lacks`);
    return new ExampleReader(found);
  };
  await verifier({ read, other });
  expect(read.unread(), `fields of ${example.label} no verifier checks`).toEqual([]);
}

describe(DOC, () => {
  it('labels each example once, and has exactly the examples both verifiers know', () => {
    const labels = examples.map((example) => example.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect([...labels].sort()).toEqual(Object.keys(DOC_VERIFIER).sort());
    expect([...labels].sort()).toEqual(Object.keys(CODE_VERIFIER).sort());
  });

  for (const [by, verifiers] of Object.entries(VERIFIERS)) {
    describe(`recomputed by ${by}`, () => {
      it.each(examples.map((example) => [example.label, example] as const))(
        'gives example %s',
        async (label, example) => {
          await check(verifiers[label] as ExampleVerifier, example);
        },
      );

      it('fails every example once any one of its values changes', async () => {
        const survivors: string[] = [];
        for (const example of examples) {
          for (const { what, example: changed } of mutationsOf(example)) {
            const failed = await check(verifiers[example.label] as ExampleVerifier, changed).then(
              () => false,
              () => true,
            );
            if (!failed) survivors.push(`${example.label}: ${what}`);
          }
        }
        expect(survivors).toEqual([]);
      });
    });
  }
});
