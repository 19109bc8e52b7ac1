import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ledger } from '../../app/ports/ledger.js';
import type { LedgerMirror } from '../../app/ports/ledger-mirror.js';
import { MecError } from '../../domain/errors.js';
import type { LedgerEntry } from '../../domain/ledger-entry.js';
import { writeFileAtomic } from './atomic-write.js';

/** Where the mirror lives, relative to the workspace (seed section 6). */
export const MIRROR_PATH = '01-GOVERNANCE/META-GOVERNANCE-LOG.md';

const HEADER = `# META Governance Log

A readable mirror of the mec-bot ledger. The hash-chained record of truth is in Redis; this file is
rebuilt from it (\`npm run verify\` checks the chain). Do not edit it by hand.
`;

// Each entry ends with this marker on a line of its own, which lets a sync find where the file stops
// without parsing prose. Text from Slack can never start a line, and its '<' is escaped anyway.
const MARKER = /^<!-- mec-ledger seq=(\d+) hash=([0-9a-f]{64}) -->$/gm;

/**
 * Brings the Markdown mirror up to date with the ledger. Idempotent: it appends only the entries after
 * the last one in the file. Each write is atomic, so concurrent syncs never interleave or duplicate.
 * A file that disagrees with the ledger is left alone and reported: it may be the only copy of
 * history that Redis lost, so overwriting it takes an explicit rebuild.
 */
export async function syncLedgerMirror(ledger: Ledger, path: string): Promise<{ written: number }> {
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing === undefined) return rebuildLedgerMirror(ledger, path);
  const last = lastMarker(existing);
  const entries = await ledger.read(last?.seq ?? 1);
  const anchor = last ? entries.shift() : undefined;
  if (!existing.startsWith(HEADER) || (last && anchor?.hash !== last.hash)) {
    throw new MecError(
      'mirror_mismatch',
      `${path} does not match the ledger${last ? ` at entry #${last.seq}` : ''}; check it, then rebuild it with npm run mirror -- --rebuild`,
    );
  }
  if (entries.length > 0) await writeFileAtomic(path, existing + entries.map(renderEntry).join(''));
  return { written: entries.length };
}

/** Rewrites the whole mirror from the ledger. */
export async function rebuildLedgerMirror(ledger: Ledger, path: string): Promise<{ written: number }> {
  const entries = await ledger.read();
  await writeFileAtomic(path, renderMirror(entries));
  return { written: entries.length };
}

/** The seq and hash of every entry a mirror file shows, in file order. */
export function mirroredEntries(text: string): Array<{ seq: number; hash: string }> {
  return [...text.matchAll(MARKER)].map((match) => ({ seq: Number(match[1]), hash: match[2] as string }));
}

function renderMirror(entries: readonly LedgerEntry[]): string {
  return HEADER + entries.map(renderEntry).join('');
}

function renderEntry({ seq, prevHash, hash, body }: LedgerEntry): string {
  const lines = [
    '',
    `## #${seq} · ${body.at} · ${body.phase} · ${body.action} · ${body.outcome}`,
    '',
    `- actor: ${body.actor === 'mec-bot' ? 'mec-bot' : `<@${body.actor}>`}`,
    `- reason: \`${body.reason}\``,
    `- rollout: ${body.rolloutId ?? '(none)'}`,
    `- before: \`${inlineJson(body.before)}\``,
    `- after: \`${inlineJson(body.after)}\``,
    `- detail: \`${inlineJson(body.detail)}\``,
    `- prevHash: \`${prevHash}\``,
    `- hash: \`${hash}\``,
    `<!-- mec-ledger seq=${seq} hash=${hash} -->`,
    '',
  ];
  return lines.join('\n');
}

/** JSON for an inline code span: no backquote to end it early, no '<' to start markup. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('`', '\\u0060').replaceAll('<', '\\u003c');
}

function lastMarker(text: string): { seq: number; hash: string } | undefined {
  return mirroredEntries(text).at(-1);
}

/** The mirror file of one release workspace, as the audit reads it. */
export class MarkdownLedgerMirror implements LedgerMirror {
  readonly path = MIRROR_PATH;
  readonly #file: string;

  constructor(workspace: string) {
    this.#file = join(workspace, MIRROR_PATH);
  }

  async entries(): Promise<Array<{ seq: number; hash: string }> | undefined> {
    const text = await readFile(this.#file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    return text === undefined ? undefined : mirroredEntries(text);
  }

  async head(): Promise<{ seq: number; hash: string } | undefined> {
    return (await this.entries())?.at(-1);
  }
}
