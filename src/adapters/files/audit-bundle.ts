import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { LedgerSource } from '../../app/ports/ledger-source.js';
import { MecError } from '../../domain/errors.js';

/** The first line of an audit bundle: everything verify needs besides the entries and checkpoints. */
const bundleHeaderSchema = z.object({
  format: z.literal('mec-audit-bundle/v1'),
  exportedAt: z.string(),
  phase: z.string(),
  ledger: z.object({
    origin: z.string(),
    verifierKey: z.string().optional(),
    head: z.object({ seq: z.number().int().nonnegative(), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
  }),
  registry: z.object({ path: z.string(), root: z.string().nullable() }),
  artifacts: z.object({ files: z.array(z.string()) }),
  approvals: z.array(
    z.object({
      roleId: z.string(),
      userId: z.string(),
      signedAt: z.string(),
      artifactRoot: z.string(),
      digest: z.string(),
    }),
  ),
});
export type BundleHeader = z.infer<typeof bundleHeaderSchema>;

const ENTRY = '{"seq":';
/** How many entry lines a page of the bundle's ledger source holds. */
const PAGE = 1_000;

/**
 * Writes an audit bundle: JSON lines, the header first, then one `{"checkpoint": note}` line per
 * checkpoint, then each ledger entry exactly as stored, so the bytes its hash covers travel unchanged.
 * Written to a temporary file, fsynced, then renamed over `path`.
 */
export async function writeAuditBundle(
  path: string,
  header: BundleHeader,
  checkpoints: AsyncIterable<{ note: string } | { torn: string }>,
  entries: AsyncIterable<string>,
): Promise<{ checkpoints: number; entries: number }> {
  const temporary = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(temporary, { mode: 0o644 });
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  const counts = { checkpoints: 0, entries: 0 };
  try {
    await write(JSON.stringify(header));
    for await (const item of checkpoints) {
      if (!('note' in item)) continue;
      await write(JSON.stringify({ checkpoint: item.note }));
      counts.checkpoints += 1;
    }
    for await (const text of entries) {
      await write(text);
      counts.entries += 1;
    }
    out.end();
    await once(out, 'finish');
    const file = await open(temporary, 'r');
    await file.sync();
    await file.close();
    await rename(temporary, path);
  } catch (error) {
    out.destroy();
    await rm(temporary, { force: true });
    throw error;
  }
  return counts;
}

/** Reads a bundle's header, and gives its entries and checkpoints as a ledger source, streamed. */
export async function readAuditBundle(path: string): Promise<{ header: BundleHeader; source: LedgerSource }> {
  const first = await firstLine(path);
  let header: BundleHeader;
  try {
    header = bundleHeaderSchema.parse(JSON.parse(first ?? ''));
  } catch (error) {
    throw new MecError(
      'bundle_malformed',
      `${path} is not an audit bundle (its first line: ${(error as Error).message.split('\n')[0]}); make one with npm run export -- --out FILE`,
    );
  }
  return {
    header,
    source: {
      head: header.ledger.head,
      pages: pagesOf(path),
      checkpoints: () => checkpointsOf(path),
    },
  };
}

async function firstLine(path: string): Promise<string | undefined> {
  for await (const line of lines(path)) return line;
  return undefined;
}

function lines(path: string): AsyncIterable<string> {
  return createInterface({
    input: createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }),
    crlfDelay: Infinity,
  });
}

async function* checkpointsOf(path: string): AsyncIterable<{ note: string }> {
  let first = true;
  for await (const line of lines(path)) {
    if (first) {
      first = false;
      continue;
    }
    if (line.startsWith(ENTRY)) return;
    const parsed = JSON.parse(line) as { checkpoint?: unknown };
    if (typeof parsed.checkpoint === 'string') yield { note: parsed.checkpoint };
  }
}

async function* pagesOf(path: string): AsyncIterable<readonly string[]> {
  let page: string[] = [];
  for await (const line of lines(path)) {
    if (!line.startsWith(ENTRY)) continue;
    page.push(line);
    if (page.length === PAGE) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}
