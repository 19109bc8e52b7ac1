import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MarkdownLedgerMirror,
  MIRROR_HEADER,
  MIRROR_PATH,
  renderEntry,
} from '../../../src/adapters/files/markdown-ledger-mirror.js';
import { MemoryLedger } from '../../../src/adapters/memory/memory-ledger.js';
import type { LedgerEntry } from '../../../src/domain/ledger-entry.js';
import { body } from '../../app/ports/rollout-store.contract.js';
import { copyExampleWorkspace } from '../../support/workspace.js';

async function setup(count: number) {
  const ledger = new MemoryLedger();
  for (let i = 0; i < count; i++) ledger.appendNow(body(`action_${i}`));
  const workspace = await copyExampleWorkspace();
  return {
    ledger,
    workspace,
    mirror: new MarkdownLedgerMirror(workspace),
    path: join(workspace, MIRROR_PATH),
  };
}

async function* each(entries: LedgerEntry[]) {
  yield* entries;
}

describe('the Markdown ledger mirror', () => {
  it('writes the header and one section per entry with its hashes, at 01-GOVERNANCE/META-GOVERNANCE-LOG.md', async () => {
    const { ledger, mirror, path } = await setup(3);
    const entries = await ledger.read();
    await mirror.append(entries);
    const text = await readFile(path, 'utf8');
    expect(text).toBe(MIRROR_HEADER + entries.map(renderEntry).join(''));
    for (const entry of entries) {
      expect(text).toContain(`## #${entry.seq} · ${entry.body.at} · M6 · ${entry.body.action} · applied`);
      expect(text).toContain(`- hash: \`${entry.hash}\``);
    }
    expect(await mirror.head()).toEqual({ seq: 3, hash: entries[2]?.hash });
  });

  it('appends later entries after the earlier ones, giving the same file as a rebuild', async () => {
    const { ledger, mirror, path } = await setup(3);
    await mirror.append(await ledger.read());
    ledger.appendNow(body('later'));
    await mirror.append(await ledger.read(4));
    const appended = await readFile(path, 'utf8');
    await writeFile(path, 'lost');
    expect(await mirror.rebuild(each(await ledger.read()))).toBe(4);
    expect(await readFile(path, 'utf8')).toBe(appended);
  });

  it('cuts off an entry a crash left half written before it appends the next', async () => {
    const { ledger, mirror, path } = await setup(2);
    await mirror.append(await ledger.read(1, 1));
    const second = renderEntry((await ledger.read(2, 2))[0] as LedgerEntry);
    await appendFile(path, second.slice(0, 40));
    expect(await mirror.head()).toMatchObject({ seq: 1 });
    await mirror.append(await ledger.read(2, 2));
    expect(await readFile(path, 'utf8')).toBe(
      MIRROR_HEADER + (await ledger.read()).map(renderEntry).join(''),
    );
  });

  it('cannot be confused by ledger text that looks like its entry marker', async () => {
    const { ledger, mirror } = await setup(1);
    const fake = `<!-- mec-ledger seq=1 hash=${'0'.repeat(64)} -->`;
    ledger.appendNow(body('pause', { detail: { reason: fake } }));
    await mirror.append(await ledger.read());
    expect(await mirror.head()).toMatchObject({ seq: 2, hash: ledger.entries[1]?.hash });
  });

  it('reads back as the same entries, and names the first one whose text was changed', async () => {
    const { ledger, mirror, path } = await setup(3);
    const entries = await ledger.read();
    await mirror.append(entries);
    const same = mirror.reader();
    for (const entry of entries) expect(await same.next(entry)).toBe('same');
    expect(await same.rest()).toBe(0);
    await writeFile(path, (await readFile(path, 'utf8')).replace('action_1', 'action_x'));
    const edited = mirror.reader();
    expect(await edited.next(entries[0] as LedgerEntry)).toBe('same');
    expect(await edited.next(entries[1] as LedgerEntry)).toBe('differs');
  });

  it('compares bytes: text outside ASCII matches across the 1 MB chunks, and bytes that are not UTF-8 do not pass for U+FFFD', async () => {
    const ledger = new MemoryLedger();
    // About 2 MB of entries, each with text outside ASCII, so some character is cut by a chunk edge.
    for (let i = 0; i < 3_000; i++)
      ledger.appendNow(body(`action_${i}`, { detail: { note: `ü€😀\uFFFD ${i}` } }));
    const workspace = await copyExampleWorkspace();
    const mirror = new MarkdownLedgerMirror(workspace);
    const entries = await ledger.read();
    await mirror.append(entries);
    const same = mirror.reader();
    const matches = new Set<string>();
    for (const entry of entries) matches.add(await same.next(entry));
    expect([...matches]).toEqual(['same']);
    expect(await same.rest()).toBe(0);
    // The replacement character's three bytes in entry #2 become one byte that is not UTF-8, which a
    // UTF-8 decoder would read back as that same character.
    const path = join(workspace, MIRROR_PATH);
    const bytes = await readFile(path);
    const second = bytes.indexOf(Buffer.from('\n## #2 '));
    const at = bytes.indexOf(Buffer.from('\uFFFD'), second);
    await writeFile(
      path,
      Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at + 3)]),
    );
    const edited = mirror.reader();
    expect(await edited.next(entries[0] as LedgerEntry)).toBe('same');
    expect(await edited.next(entries[1] as LedgerEntry)).toBe('differs');
  });

  it('says when the file is missing, and when it ends before the ledger does', async () => {
    const { ledger, mirror } = await setup(2);
    const entries = await ledger.read();
    expect(await mirror.reader().next(entries[0] as LedgerEntry)).toBe('missing');
    await mirror.append(entries.slice(0, 1));
    const reader = mirror.reader();
    expect(await reader.next(entries[0] as LedgerEntry)).toBe('same');
    expect(await reader.next(entries[1] as LedgerEntry)).toBe('ended');
  });
});
