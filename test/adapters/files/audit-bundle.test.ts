import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BundleHeader,
  readAuditBundle,
  writeAuditBundle,
} from '../../../src/adapters/files/audit-bundle.js';
import { MemoryLedger } from '../../../src/adapters/memory/memory-ledger.js';
import { MecError } from '../../../src/domain/errors.js';
import { body } from '../../app/ports/rollout-store.contract.js';

const NOTE_1 = 'mec.test/l\n1\nAAAA\n\n— mec.test/l AQIDBAUG\n';
const NOTE_2 = 'mec.test/l\n3\nBBBB\n\n— mec.test/l AQIDBAUH\n— witness.test/w BQYHCAkK\n';

async function* each<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function setup() {
  const ledger = new MemoryLedger();
  ledger.appendNow(body('start', { detail: { note: 'line\nbreak, "quotes", ünïcödé and — dashes' } }));
  for (let i = 2; i <= 3; i++) ledger.appendNow(body(`action_${i}`));
  const head = await ledger.head();
  const header: BundleHeader = {
    format: 'mec-audit-bundle/v1',
    exportedAt: '2025-10-21T03:12:04.000Z',
    phase: 'M6',
    ledger: { origin: 'mec.test/l', verifierKey: 'mec.test/l+01020304+AQ', head },
    registry: { path: 'registry.json', root: null },
    artifacts: { files: ['a.json', 'b.md'] },
    approvals: [
      {
        roleId: 'governance_lead',
        userId: 'U_GOV',
        signedAt: '2025-10-21T03:12:04Z',
        artifactRoot: 'r',
        digest: 'd',
      },
    ],
  };
  const dir = await mkdtemp(join(tmpdir(), 'mec-bundle-'));
  return { ledger, header, dir, path: join(dir, 'audit.jsonl') };
}

describe('the audit bundle', () => {
  it('reads back the header, the checkpoints and the entries byte for byte', async () => {
    const { ledger, header, dir, path } = await setup();
    const stored = await collect(ledger.stream());
    const counts = await writeAuditBundle(
      path,
      header,
      each([{ note: NOTE_1 }, { note: NOTE_2 }, { torn: 'mec.test/l\n4\n' }]),
      ledger.stream(),
    );
    expect(counts).toEqual({ checkpoints: 2, entries: 3 });
    expect(await readdir(dir)).toEqual(['audit.jsonl']);
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(1 + 2 + 3 + 1);
    expect(lines.slice(3, 6)).toEqual(stored);

    const read = await readAuditBundle(path);
    expect(read.header).toEqual(header);
    expect(read.source.head).toEqual(header.ledger.head);
    expect(await collect(read.source.checkpoints())).toEqual([{ note: NOTE_1 }, { note: NOTE_2 }]);
    // Read afresh on each call.
    expect(await collect(read.source.checkpoints())).toHaveLength(2);
    expect(await (await collect(read.source.pages)).flat()).toEqual(stored);
  });

  it('writes a bundle of an empty ledger', async () => {
    const { header, path } = await setup();
    expect(await writeAuditBundle(path, header, each([]), each([]))).toEqual({ checkpoints: 0, entries: 0 });
    const read = await readAuditBundle(path);
    expect(await collect(read.source.checkpoints())).toEqual([]);
    expect(await (await collect(read.source.pages)).flat()).toEqual([]);
  });

  it('leaves no file, not even a temporary one, when the entries fail midway', async () => {
    const { header, dir, path } = await setup();
    async function* failing(): AsyncIterable<string> {
      yield '{"seq":1}';
      throw new Error('Redis went away');
    }
    await expect(writeAuditBundle(path, header, each([]), failing())).rejects.toThrow('Redis went away');
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    ['an empty file', ''],
    ['a file that is not JSON', 'hello\n'],
    ['a header of another format', '{"format":"mec-audit-bundle/v2"}\n'],
    ['a ledger entry first', '{"seq":1,"prevHash":"0","hash":"1","body":{}}\n'],
  ])('refuses %s as bundle_malformed, saying how to make one', async (_what, text) => {
    const { path } = await setup();
    await writeFile(path, text);
    const refused = await readAuditBundle(path).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MecError);
    expect(refused).toMatchObject({ code: 'bundle_malformed' });
    expect((refused as Error).message).toContain(`${path} is not an audit bundle`);
    expect((refused as Error).message).toContain('npm run export -- --out FILE');
  });
});
