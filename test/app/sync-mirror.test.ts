import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MarkdownLedgerMirror,
  MIRROR_HEADER,
  MIRROR_PATH,
  renderEntry,
} from '../../src/adapters/files/markdown-ledger-mirror.js';
import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { rebuildMirror, syncMirror } from '../../src/app/sync-mirror.js';
import { MecError } from '../../src/domain/errors.js';
import { copyExampleWorkspace } from '../support/workspace.js';
import { body } from './ports/rollout-store.contract.js';

async function setup(count: number) {
  const ledger = new MemoryLedger();
  for (let i = 1; i <= count; i++) ledger.appendNow(body(`action_${i}`));
  const workspace = await copyExampleWorkspace();
  const mirror = new MarkdownLedgerMirror(workspace);
  return { ledger, mirror, path: join(workspace, MIRROR_PATH) };
}

const rendered = async (ledger: MemoryLedger) =>
  MIRROR_HEADER + (await ledger.read()).map(renderEntry).join('');

describe('syncMirror', () => {
  it('writes every entry to a missing mirror, then nothing more when run again', async () => {
    const { ledger, mirror, path } = await setup(3);
    expect(await syncMirror({ ledger, mirror })).toEqual({ written: 3 });
    expect(await readFile(path, 'utf8')).toBe(await rendered(ledger));
    expect(await syncMirror({ ledger, mirror })).toEqual({ written: 0 });
    expect(await readFile(path, 'utf8')).toBe(await rendered(ledger));
  });

  it('appends only the entries the mirror lacks, up to the head or to the seq it is given', async () => {
    const { ledger, mirror, path } = await setup(2);
    await syncMirror({ ledger, mirror });
    for (let i = 3; i <= 6; i++) ledger.appendNow(body(`action_${i}`));
    expect(await syncMirror({ ledger, mirror }, 4)).toEqual({ written: 2 });
    expect((await mirror.head())?.seq).toBe(4);
    expect(await syncMirror({ ledger, mirror })).toEqual({ written: 2 });
    expect(await readFile(path, 'utf8')).toBe(await rendered(ledger));
  });

  it('writes a long ledger in chunks, every entry once', async () => {
    const { ledger, mirror, path } = await setup(1_203);
    expect(await syncMirror({ ledger, mirror })).toEqual({ written: 1_203 });
    expect(await readFile(path, 'utf8')).toBe(await rendered(ledger));
  });

  it('refuses a mirror whose last entry is not the ledger’s, and leaves it as it was', async () => {
    const { ledger, mirror, path } = await setup(3);
    await syncMirror({ ledger, mirror });
    // Another ledger's history in the file: same seqs, other hashes.
    const other = new MemoryLedger();
    for (let i = 1; i <= 3; i++) other.appendNow(body(`other_${i}`));
    const theirs = await rendered(other);
    await writeFile(path, theirs);
    ledger.appendNow(body('action_4'));
    const refused = await syncMirror({ ledger, mirror }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MecError);
    expect(refused).toMatchObject({ code: 'mirror_mismatch' });
    expect((refused as Error).message).toContain(`${MIRROR_PATH} does not match the ledger at entry #3`);
    expect(await readFile(path, 'utf8')).toBe(theirs);
  });

  it('refuses a mirror that holds more entries than the ledger', async () => {
    const { ledger, mirror } = await setup(3);
    await syncMirror({ ledger, mirror });
    const shorter = new MemoryLedger();
    shorter.appendNow(body('action_1'));
    await expect(syncMirror({ ledger: shorter, mirror })).rejects.toMatchObject({ code: 'mirror_mismatch' });
  });

  it('refuses a malformed entry in the ledger, pointing at verify', async () => {
    const { ledger, mirror } = await setup(2);
    const broken = {
      read: ledger.read.bind(ledger),
      head: ledger.head.bind(ledger),
      async *stream() {
        yield '{"seq":1}';
      },
      async *pages() {
        yield ['{"seq":1}'];
      },
    };
    await expect(syncMirror({ ledger: broken, mirror })).rejects.toThrow(/malformed; run npm run verify/);
  });
});

describe('rebuildMirror', () => {
  it('rewrites an edited mirror from the whole ledger', async () => {
    const { ledger, mirror, path } = await setup(4);
    await syncMirror({ ledger, mirror });
    await appendFile(path, 'a hand edit\n');
    expect(await rebuildMirror({ ledger, mirror })).toEqual({ written: 4 });
    expect(await readFile(path, 'utf8')).toBe(await rendered(ledger));
    expect(await syncMirror({ ledger, mirror })).toEqual({ written: 0 });
  });
});
