import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MarkdownLedgerMirror, MIRROR_PATH } from '../../src/adapters/files/markdown-ledger-mirror.js';
import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { syncMirror } from '../../src/app/sync-mirror.js';
import { ApprovalDigests, MirrorComparison, RegistryFacts } from '../../src/app/verify-observers.js';
import { approvalDigest } from '../../src/domain/approval-digest.js';
import type { Checkpoint } from '../../src/domain/checkpoint-note.js';
import type { LedgerBody, LedgerEntry } from '../../src/domain/ledger-entry.js';
import { copyExampleWorkspace } from '../support/workspace.js';
import { body } from './ports/rollout-store.contract.js';

const checkpoint = (size: number): Checkpoint => ({ origin: 'mec.test/l', size, root: Buffer.alloc(32) });

async function ledgerOf(count: number) {
  const ledger = new MemoryLedger();
  for (let i = 1; i <= count; i++) ledger.appendNow(body(`action_${i}`));
  return ledger;
}

/** A ledger of `count` entries, a mirror of its first `mirrored`, and the mirror compared with it all. */
async function compare(count: number, mirrored: number, edit?: (text: string) => string) {
  const ledger = await ledgerOf(count);
  const workspace = await copyExampleWorkspace();
  const mirror = new MarkdownLedgerMirror(workspace);
  const path = join(workspace, MIRROR_PATH);
  if (mirrored > 0) await syncMirror({ ledger, mirror }, mirrored);
  if (edit) await writeFile(path, edit(await readFile(path, 'utf8')));
  const comparison = new MirrorComparison(mirror);
  for (const entry of await ledger.read()) await comparison.observe(entry);
  return (latest: Checkpoint | undefined) => comparison.check(count, latest);
}

describe('MirrorComparison', () => {
  it('passes a mirror that holds every entry byte for byte', async () => {
    const check = await compare(3, 3);
    expect(await check(checkpoint(3))).toEqual({
      name: 'ledger mirror',
      ok: true,
      detail: '3 entries match byte for byte',
    });
  });

  it('passes a mirror behind the ledger but not behind its newest checkpoint, saying so', async () => {
    const check = await compare(5, 3);
    expect(await check(checkpoint(3))).toMatchObject({
      ok: true,
      detail: '3 entries match byte for byte; 2 newer entries are appended at the next checkpoint',
    });
    expect(await check(undefined)).toMatchObject({ ok: true });
  });

  it('fails a mirror that ends before the newest checkpoint', async () => {
    const check = await compare(5, 3);
    expect(await check(checkpoint(4))).toEqual({
      name: 'ledger mirror',
      ok: false,
      detail: `${MIRROR_PATH} ends at entry #3, before the newest checkpoint's #4`,
    });
  });

  it('fails a missing mirror, saying how to rebuild it', async () => {
    const check = await compare(2, 0);
    expect(await check(undefined)).toEqual({
      name: 'ledger mirror',
      ok: false,
      detail: `${MIRROR_PATH} is missing; rebuild it with npm run mirror -- --rebuild`,
    });
  });

  it('fails a mirror edited at an entry, naming that entry', async () => {
    const check = await compare(4, 4, (text) => text.replace('action_3', 'action_X'));
    expect(await check(checkpoint(4))).toEqual({
      name: 'ledger mirror',
      ok: false,
      detail: `${MIRROR_PATH} does not show entry #3 as the ledger holds it: the file was edited`,
    });
  });

  it('fails a mirror with text after the last entry', async () => {
    const check = await compare(2, 2, (text) => `${text}\nan added line\n`);
    expect(await check(checkpoint(2))).toEqual({
      name: 'ledger mirror',
      ok: false,
      detail: `${MIRROR_PATH} goes on after entry #2, the ledger's last`,
    });
  });
});

const entry = (seq: number, overrides: Partial<LedgerBody>): LedgerEntry => ({
  seq,
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
  body: body('x', overrides),
});

const facts = (roleId: string, artifactRoot = 'a'.repeat(64)) => {
  const signedAt = '2025-10-21T03:12:04Z';
  return {
    roleId,
    signedAt,
    artifactRoot,
    digest: approvalDigest({ phase: 'M6', roleId, signedAt, artifactRoot }),
  };
};

describe('ApprovalDigests', () => {
  it('counts approvals whose digest matches their parts, ignoring other entries', () => {
    const digests = new ApprovalDigests();
    digests.observe(entry(1, { reason: 'rollout_started' }));
    digests.observe(entry(2, { reason: 'approval_recorded', detail: { facts: facts('governance_lead') } }));
    digests.observe(entry(3, { reason: 'approval_recorded', detail: { facts: facts('release_manager') } }));
    expect(digests.count).toBe(2);
    expect(digests.problem).toBeUndefined();
  });

  it('names the first approval whose digest does not match, and stops there', () => {
    const digests = new ApprovalDigests();
    const forged = { ...facts('governance_lead'), artifactRoot: 'b'.repeat(64) };
    digests.observe(entry(4, { reason: 'approval_recorded', detail: { facts: forged } }));
    digests.observe(entry(5, { reason: 'approval_recorded', detail: {} }));
    expect(digests.problem).toBe('ledger entry #4: the governance_lead digest does not match its parts');
  });

  it('names an approval recorded without its commitment', () => {
    const digests = new ApprovalDigests();
    digests.observe(entry(6, { reason: 'approval_recorded', detail: { note: 'no facts' } }));
    expect(digests.problem).toBe('ledger entry #6 records an approval without its commitment');
    expect(digests.count).toBe(0);
  });
});

describe('RegistryFacts', () => {
  it('keeps the last entry that recorded the registry root, of any registry reason', () => {
    const registry = new RegistryFacts();
    expect(registry.last).toBeUndefined();
    registry.observe(entry(1, { reason: 'registry_write', after: { root: 'r1' } }));
    registry.observe(entry(2, { reason: 'rollout_started', after: { root: 'not a registry root' } }));
    expect(registry.last).toEqual({ seq: 1, reason: 'registry_write', root: 'r1' });
    registry.observe(entry(3, { reason: 'registry_adopted', after: { root: 'r2' } }));
    registry.observe(entry(4, { reason: 'registry_recovered', after: null }));
    expect(registry.last).toEqual({ seq: 4, reason: 'registry_recovered', root: null });
  });
});
