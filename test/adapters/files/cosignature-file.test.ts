import { appendFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COSIGNATURES_PATH, CosignatureFile } from '../../../src/adapters/files/cosignature-file.js';
import type { StoredCosignature } from '../../../src/app/ports/cosignature-log.js';
import { checkpointText, formatNote } from '../../../src/domain/checkpoint-note.js';

const ORIGIN = 'mec.test/release-ledger';

/** A cosigned note of size `size`; `extension` pads the text with an extension line of that many chars. */
function cosignedNote(size: number, extension = 0): string {
  const text =
    checkpointText({ origin: ORIGIN, size, root: Buffer.alloc(32, size % 256) }) +
    (extension > 0 ? `${'x'.repeat(extension)}\n` : '');
  return formatNote({
    text,
    signatures: [
      { name: ORIGIN, keyId: '0a0b0c0d', signature: Buffer.alloc(64, 1) },
      { name: 'witness.test/w1', keyId: '01020304', signature: Buffer.alloc(72, 2) },
    ],
  });
}

async function logInWorkspace() {
  const workspace = await mkdtemp(join(tmpdir(), 'mec-cosignatures-'));
  return new CosignatureFile(workspace);
}

async function readAll(log: CosignatureFile): Promise<StoredCosignature[]> {
  const records: StoredCosignature[] = [];
  for await (const record of log.read()) records.push(record);
  return records;
}

const kinds = (records: StoredCosignature[]) => records.map((record) => record.kind);

describe('CosignatureFile', () => {
  it('reads nothing before the first append', async () => {
    expect(await readAll(await logInWorkspace())).toEqual([]);
  });

  it('appends whole notes, each followed by a blank line, and reads them back in order', async () => {
    const log = await logInWorkspace();
    expect(log.path.endsWith(COSIGNATURES_PATH)).toBe(true);
    await log.append(cosignedNote(3));
    await log.append(cosignedNote(9));
    expect(await readFile(log.path, 'utf8')).toBe(`${cosignedNote(3)}\n${cosignedNote(9)}\n`);
    expect(await readAll(log)).toEqual([
      { kind: 'note', note: cosignedNote(3), line: 1 },
      { kind: 'note', note: cosignedNote(9), line: 8 },
    ]);
  });

  it('refuses a note without a cosignature, or one that is no checkpoint', async () => {
    const log = await logInWorkspace();
    const ours = formatNote({
      text: checkpointText({ origin: ORIGIN, size: 1, root: Buffer.alloc(32) }),
      signatures: [{ name: ORIGIN, keyId: '0a0b0c0d', signature: Buffer.alloc(64, 1) }],
    });
    await expect(log.append(ours)).rejects.toMatchObject({ code: 'checkpoint_malformed' });
    await expect(log.append(cosignedNote(1).replace(ORIGIN, 'a b'))).rejects.toMatchObject({
      code: 'checkpoint_malformed',
    });
    expect(await readAll(log)).toEqual([]);
  });

  it('never interleaves concurrent appends, even of large notes', async () => {
    const log = await logInWorkspace();
    const notes = Array.from({ length: 24 }, (_, index) => cosignedNote(index + 1, 30_000));
    await Promise.all(notes.map((note) => log.append(note)));
    const records = await readAll(log);
    expect(kinds(records).every((kind) => kind === 'note')).toBe(true);
    const read = records.map((record) => (record.kind === 'note' ? record.note : ''));
    expect(read.sort()).toEqual([...notes].sort());
  });

  it.each([
    ['mid-line', (note: string) => note.slice(0, 30)],
    ['after the checkpoint text', (note: string) => note.slice(0, note.indexOf('\n\n') + 2)],
    ['after our signature line', (note: string) => note.slice(0, note.indexOf('\n— witness') + 1)],
    ['mid-signature', (note: string) => note.slice(0, -20)],
  ])('reports a record torn %s, and keeps the next append readable', async (_, cut) => {
    const log = await logInWorkspace();
    await log.append(cosignedNote(3));
    // What a crash in the middle of the next append leaves behind.
    await appendFile(log.path, cut(cosignedNote(4)));
    const torn = await readAll(log);
    expect(kinds(torn)).toEqual(['note', 'torn']);
    expect(torn[1]).toMatchObject({ line: 8 });
    await log.append(cosignedNote(5));
    const after = await readAll(log);
    expect(kinds(after)).toEqual(['note', 'torn', 'note']);
    expect(after[2]).toMatchObject({ note: cosignedNote(5) });
  });

  it('reports a record too long to be ours as torn, without holding it, and reads on past it', async () => {
    const log = await logInWorkspace();
    await log.append(cosignedNote(3));
    await appendFile(log.path, `${'y'.repeat(200_000)}\n${'z'.repeat(100)}\n\n`);
    await log.append(cosignedNote(5));
    const records = await readAll(log);
    expect(kinds(records)).toEqual(['note', 'torn', 'note']);
    expect((records[1] as { text: string }).text.length).toBeLessThan(70_000);
  });
});
