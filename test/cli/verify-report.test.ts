import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InclusionProof } from '../../src/app/inclusion-watch.js';
import type { VerifyReport } from '../../src/app/verify-workspace.js';
import { parseVerifyArgs, printVerifyReport, VERIFY_USAGE } from '../../src/cli/verify-report.js';
import { GENESIS_HASH } from '../../src/domain/ledger-entry.js';
import { body } from '../app/ports/rollout-store.contract.js';

describe('parseVerifyArgs', () => {
  it('reads no flags, --entry, and a bundle with its workspace and key', () => {
    expect(parseVerifyArgs([])).toEqual({});
    expect(parseVerifyArgs(['--entry', '12'])).toEqual({ entry: 12 });
    expect(
      parseVerifyArgs(['--bundle', 'b.jsonl', '--workspace', 'ws', '--key', 'k+1+2', '--entry', '3']),
    ).toEqual({ bundle: 'b.jsonl', workspace: 'ws', key: 'k+1+2', entry: 3 });
  });

  it.each([
    [['--entry'], `--entry needs a value; ${VERIFY_USAGE}`],
    [['--bundle', '--workspace', 'ws'], `--bundle needs a value; ${VERIFY_USAGE}`],
    [['--entry', '0'], '--entry takes an entry number like 12, not 0'],
    [['--entry', '012'], '--entry takes an entry number like 12, not 012'],
    [['--entry', 'last'], '--entry takes an entry number like 12, not last'],
    [['--verbose', 'yes'], `unknown flag --verbose; ${VERIFY_USAGE}`],
    [
      ['--bundle', 'b.jsonl'],
      `--bundle needs --workspace DIR, the release workspace to check it against; ${VERIFY_USAGE}`,
    ],
  ])('refuses %j', (argv, problem) => {
    expect(parseVerifyArgs(argv)).toBe(problem);
  });
});

type Check = VerifyReport['checks'][number];

const ok = (name: Check['name']): Check => ({ name, ok: true, detail: `${name} holds` });

function report(checks: VerifyReport['checks'], inclusion?: InclusionProof): VerifyReport {
  return {
    ok: checks.every((check) => check.ok),
    checks,
    audit: { checks: [], entries: 4, ...(inclusion ? { inclusion } : {}) },
  };
}

function inclusion(proofOk: boolean): InclusionProof {
  return {
    entry: { seq: 2, prevHash: GENESIS_HASH, hash: 'c'.repeat(64), body: body('ramp') },
    checkpoint: { origin: 'mec.test/l', size: 4, root: Buffer.alloc(32, 0xab) },
    proof: [Buffer.alloc(32, 1), Buffer.alloc(32, 2)],
    ok: proofOk,
  };
}

describe('printVerifyReport', () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints each check and the verdict, and exits 0 when all hold', () => {
    expect(
      printVerifyReport(report([ok('ledger chain'), ok('ledger mirror')]), 'M6 verified', undefined),
    ).toBe(0);
    expect(out).toEqual([
      'ok   ledger chain: ledger chain holds',
      'ok   ledger mirror: ledger mirror holds',
      '\nM6 verified',
    ]);
    expect(err).toEqual([]);
  });

  it('exits 1 naming the first check that fails, without the verdict', () => {
    const checks: Check[] = [
      ok('ledger chain'),
      { name: 'ledger mirror', ok: false, detail: 'edited' },
      { name: 'artifact root', ok: false, detail: 'changed' },
    ];
    expect(printVerifyReport(report(checks), 'M6 verified', undefined)).toBe(1);
    expect(out).toContain('FAIL ledger mirror: edited');
    expect(out).not.toContain('\nM6 verified');
    expect(err).toEqual(['\nverify failed at ledger mirror: edited']);
  });

  it('prints the entry and its inclusion proof, and exits 0 when the proof verifies', () => {
    expect(printVerifyReport(report([ok('ledger chain')], inclusion(true)), 'M6 verified', 2)).toBe(0);
    expect(out).toContain(`hash ${'c'.repeat(64)}, leaf index 1`);
    expect(out).toContain(`inclusion proof against checkpoint 4 (root ${'ab'.repeat(32)}):`);
    expect(out).toContain(`  ${'01'.repeat(32)}`);
    expect(out).toContain('the proof verifies: the entry is in the signed log');
    expect(out.at(-1)).toBe('\nM6 verified');
  });

  it('exits 1 when the inclusion proof fails, though every check holds', () => {
    expect(printVerifyReport(report([ok('ledger chain')], inclusion(false)), 'M6 verified', 2)).toBe(1);
    expect(out).toContain('the proof FAILS');
    expect(out).not.toContain('\nM6 verified');
  });

  it('exits 1 when the entry asked for is in no checkpoint yet', () => {
    expect(printVerifyReport(report([ok('ledger chain')]), 'M6 verified', 9)).toBe(1);
    expect(err).toEqual(['\nentry #9 is in no signed checkpoint yet (the ledger has 4 entries)']);
    expect(out).not.toContain('\nM6 verified');
  });
});
