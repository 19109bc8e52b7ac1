import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINTS_PATH, CheckpointFile } from '../../../src/adapters/files/checkpoint-file.js';
import { Ed25519CheckpointSigner } from '../../../src/adapters/node-crypto/ed25519-checkpoint-signer.js';
import {
  checkpointText,
  formatNote,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  verifyNote,
} from '../../../src/domain/checkpoint-note.js';
import { testLedgerKey } from '../../support/ledger-key.js';

const ORIGIN = 'mec.test/release-ledger';
const signer = new Ed25519CheckpointSigner(ORIGIN, testLedgerKey());

/**
 * A real signed checkpoint of `size` entries; `cosigned` adds a second signature line, `extensionChars`
 * an extension line of that many characters after the root.
 */
function signedNote(size: number, cosigned = false, extensionChars = 0): string {
  const text =
    checkpointText({ origin: ORIGIN, size, root: Buffer.alloc(32, size % 251) }) +
    (extensionChars > 0 ? `${'é'.repeat(extensionChars)}\n` : '');
  const signatures = [{ name: ORIGIN, keyId: signer.keyId, signature: signer.sign(text) }];
  if (cosigned)
    signatures.push({ name: 'witness.test/w1', keyId: '01020304', signature: Buffer.alloc(72, 2) });
  return formatNote({ text, signatures });
}

async function fileInWorkspace() {
  const workspace = await mkdtemp(join(tmpdir(), 'mec-checkpoints-'));
  return { log: new CheckpointFile(workspace), path: join(workspace, CHECKPOINTS_PATH) };
}

async function readNotes(log: CheckpointFile) {
  const items: Array<{ note: string } | { torn: string }> = [];
  for await (const item of log.notes()) items.push(item);
  return items;
}

describe('the checkpoints file', () => {
  it('has no latest note and no notes before the first append', async () => {
    const { log } = await fileInWorkspace();
    expect(log.path).toBe('01-GOVERNANCE/checkpoints.txt');
    expect(await log.latest()).toBeUndefined();
    expect(await readNotes(log)).toEqual([]);
  });

  it('appends signed notes, each then a blank line, and gives back the latest one and all in order', async () => {
    const { log, path } = await fileInWorkspace();
    const notes = [signedNote(1), signedNote(2, true), signedNote(5)];
    for (const note of notes) await log.append(note);
    expect(await readFile(path, 'utf8')).toBe(notes.map((note) => `${note}\n`).join(''));
    expect(await log.latest()).toBe(notes[2]);
    expect(await readNotes(log)).toEqual(notes.map((note) => ({ note })));
    const latest = parseNote((await log.latest()) as string);
    expect(verifyNote(latest, parseVerifierKey(signer.verifierKey))).toBe(true);
    expect(parseCheckpoint(latest.text).size).toBe(5);
  });

  it('gives a note with two signature lines back whole as the latest', async () => {
    const { log } = await fileInWorkspace();
    await log.append(signedNote(1));
    await log.append(signedNote(2, true));
    expect(await log.latest()).toBe(signedNote(2, true));
  });

  // Every cut of the last note short of its final blank line: inside the text, at the blank line between
  // text and signatures, inside the em dash's three bytes, inside the signature, just before the end.
  const cuts = (note: string) => {
    const bytes = Buffer.from(`${note}\n`);
    const dash = bytes.indexOf(Buffer.from('—'));
    return [5, dash - 1, dash, dash + 1, dash + 2, dash + 10, bytes.length - 2, bytes.length - 1].map((at) =>
      bytes.subarray(0, at),
    );
  };

  it('gives the last complete note as the latest when a crash tore the one after it', async () => {
    for (const torn of cuts(signedNote(3))) {
      const { log, path } = await fileInWorkspace();
      await log.append(signedNote(1));
      await log.append(signedNote(2, true));
      await appendFile(path, torn);
      expect(await log.latest()).toBe(signedNote(2, true));
    }
  });

  it('has no latest note when the only note is torn, and its append cuts the file back to nothing first', async () => {
    const { log, path } = await fileInWorkspace();
    await log.append(signedNote(1));
    await writeFile(path, Buffer.from(`${signedNote(1)}`).subarray(0, 30));
    expect(await log.latest()).toBeUndefined();
    await log.append(signedNote(2));
    expect(await readFile(path, 'utf8')).toBe(`${signedNote(2)}\n`);
  });

  it('cuts a torn last note before it appends the next, at the right byte after multi-byte dashes', async () => {
    for (const torn of cuts(signedNote(3))) {
      const { log, path } = await fileInWorkspace();
      await log.append(signedNote(1, true));
      await log.append(signedNote(2));
      await appendFile(path, torn);
      await log.append(signedNote(3));
      expect(await readFile(path, 'utf8')).toBe(
        `${signedNote(1, true)}\n${signedNote(2)}\n${signedNote(3)}\n`,
      );
      expect(await log.latest()).toBe(signedNote(3));
    }
  });

  it('lists a torn last note as torn, after the complete ones', async () => {
    const { log, path } = await fileInWorkspace();
    await log.append(signedNote(1));
    const whole = `${signedNote(2)}\n`;
    await appendFile(path, whole.slice(0, whole.indexOf('—') + 12));
    const items = await readNotes(log);
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({ note: signedNote(1) });
    expect(items[1]).toHaveProperty('torn');
    expect((items[1] as { torn: string }).torn).toContain(`${ORIGIN}\n2\n`);
  });

  it('gives the whole latest note when it is larger than the first window read from the end', async () => {
    const { log, path } = await fileInWorkspace();
    // 2-byte characters: each note is over 64 KiB, so the first window holds the last note's end only.
    const notes = [signedNote(1, false, 40_000), signedNote(2, true, 40_000)];
    for (const note of notes) await log.append(note);
    expect(await log.latest()).toBe(notes[1]);
    await appendFile(path, Buffer.from(`${signedNote(3, false, 40_000)}\n`).subarray(0, 3_000));
    expect(await log.latest()).toBe(notes[1]);
    await log.append(signedNote(4));
    expect(await readFile(path, 'utf8')).toBe(`${notes[0]}\n${notes[1]}\n${signedNote(4)}\n`);
  });

  it('refuses, and never cuts, a file whose line ends became CRLF or that ends in more than a torn note', async () => {
    const { log, path } = await fileInWorkspace();
    for (const note of [signedNote(1), signedNote(2)]) await log.append(note);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replaceAll('\n', '\r\n'));
    await expect(log.latest()).rejects.toMatchObject({ code: 'checkpoint_malformed' });
    await expect(log.append(signedNote(3))).rejects.toMatchObject({ code: 'checkpoint_malformed' });
    expect(await readFile(path, 'utf8')).toBe(text.replaceAll('\n', '\r\n'));
    await writeFile(path, `${text}${'x'.repeat(5_000)}`);
    await expect(log.append(signedNote(3))).rejects.toMatchObject({ code: 'checkpoint_malformed' });
  });

  it('reads the latest of 3,000 notes from the end of a file of several hundred KiB', async () => {
    const { log, path } = await fileInWorkspace();
    const notes = Array.from({ length: 3_000 }, (_, index) => signedNote(index + 1, index % 7 === 0));
    await log.append(notes[0] as string);
    await appendFile(
      path,
      notes
        .slice(1)
        .map((note) => `${note}\n`)
        .join(''),
    );
    expect((await readFile(path)).length).toBeGreaterThan(4 * 64 * 1024);
    expect(await log.latest()).toBe(notes.at(-1));
    await appendFile(path, Buffer.from(`${signedNote(3_001)}\n`).subarray(0, 90));
    expect(await log.latest()).toBe(notes.at(-1));
    let count = 0;
    for await (const item of log.notes()) if ('note' in item) count += 1;
    expect(count).toBe(3_000);
  });
});
