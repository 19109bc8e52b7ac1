import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MIRROR_PATH,
  rebuildLedgerMirror,
  syncLedgerMirror,
} from '../../../src/adapters/files/markdown-ledger-mirror.js';
import { RedisLedger } from '../../../src/adapters/redis/redis-ledger.js';
import { body } from '../../app/ports/rollout-store.contract.js';
import { useTestRedis } from '../../support/redis.js';
import { copyExampleWorkspace } from '../../support/workspace.js';

const testRedis = useTestRedis();

async function setup(count: number) {
  const { prefix, connect } = testRedis();
  const ledger = new RedisLedger(connect(), prefix);
  for (let i = 0; i < count; i++) await ledger.append(body(`action_${i}`));
  const path = join(await copyExampleWorkspace(), MIRROR_PATH);
  return { ledger, path };
}

describe('the Markdown ledger mirror', () => {
  it('writes one section per entry with its hashes, at 01-GOVERNANCE/META-GOVERNANCE-LOG.md', async () => {
    const { ledger, path } = await setup(3);
    expect(await syncLedgerMirror(ledger, path)).toEqual({ written: 3 });
    const text = await readFile(path, 'utf8');
    const entries = await ledger.read();
    for (const entry of entries) {
      expect(text).toContain(`## #${entry.seq} · ${entry.body.at} · M6 · ${entry.body.action} · applied`);
      expect(text).toContain(`- hash: \`${entry.hash}\``);
    }
  });

  it('is idempotent: a second sync writes nothing and leaves the file as it was', async () => {
    const { ledger, path } = await setup(3);
    await syncLedgerMirror(ledger, path);
    const first = await readFile(path, 'utf8');
    expect(await syncLedgerMirror(ledger, path)).toEqual({ written: 0 });
    expect(await readFile(path, 'utf8')).toBe(first);
  });

  it('appends only what is new, giving the same file as a rebuild from Redis', async () => {
    const { ledger, path } = await setup(3);
    await syncLedgerMirror(ledger, path);
    await ledger.append(body('later'));
    expect(await syncLedgerMirror(ledger, path)).toEqual({ written: 1 });
    const incremental = await readFile(path, 'utf8');
    await writeFile(path, 'lost');
    await rebuildLedgerMirror(ledger, path);
    expect(await readFile(path, 'utf8')).toBe(incremental);
  });

  it('never duplicates entries when several syncs append at once', async () => {
    const { ledger, path } = await setup(5);
    await syncLedgerMirror(ledger, path);
    for (let i = 0; i < 15; i++) await ledger.append(body(`later_${i}`));
    const results = await Promise.all(Array.from({ length: 5 }, () => syncLedgerMirror(ledger, path)));
    expect(results.every((result) => result.written === 15)).toBe(true);
    await syncLedgerMirror(ledger, path);
    const text = await readFile(path, 'utf8');
    expect(text.match(/^## #/gm)).toHaveLength(20);
    expect([...text.matchAll(/^## #(\d+)/gm)].map((match) => Number(match[1]))).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('cannot be confused by ledger text that looks like its entry marker', async () => {
    const { ledger, path } = await setup(1);
    const fake = `<!-- mec-ledger seq=1 hash=${'0'.repeat(64)} -->`;
    await ledger.append(body('pause', { detail: { reason: fake } }));
    await syncLedgerMirror(ledger, path);
    await ledger.append(body('resume'));
    expect(await syncLedgerMirror(ledger, path)).toEqual({ written: 1 });
    const { mirroredEntries } = await import('../../../src/adapters/files/markdown-ledger-mirror.js');
    expect(mirroredEntries(await readFile(path, 'utf8')).map((entry) => entry.seq)).toEqual([1, 2, 3]);
  });

  it('refuses to overwrite a mirror that disagrees with the ledger, and says how to rebuild it', async () => {
    const { ledger, path } = await setup(2);
    await syncLedgerMirror(ledger, path);
    const text = await readFile(path, 'utf8');
    const [first] = await ledger.read();
    await writeFile(path, text.replaceAll(first?.hash ?? '', 'f'.repeat(64)));
    const second = (await ledger.read())[1];
    await writeFile(path, (await readFile(path, 'utf8')).replaceAll(second?.hash ?? '', 'e'.repeat(64)));
    await expect(syncLedgerMirror(ledger, path)).rejects.toThrow(
      /does not match the ledger at entry #2.*--rebuild/,
    );
  });
});
