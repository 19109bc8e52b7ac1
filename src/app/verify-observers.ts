import { approvalDigest } from '../domain/approval-digest.js';
import type { Checkpoint } from '../domain/checkpoint-note.js';
import type { LedgerEntry } from '../domain/ledger-entry.js';
import type { LedgerMirror, MirrorMatch, MirrorReader } from './ports/ledger-mirror.js';
import type { EntryObserver } from './ports/ledger-source.js';
import type { VerifyCheck } from './ports/rollout-actions.js';

const REGISTRY_REASONS = new Set(['registry_write', 'registry_adopted', 'registry_recovered']);

/** Keeps the last entry that recorded the feature registry's root. */
export class RegistryFacts implements EntryObserver {
  last: { seq: number; reason: string; root: string | null } | undefined;

  observe({ seq, body }: LedgerEntry): void {
    if (!REGISTRY_REASONS.has(body.reason)) return;
    this.last = { seq, reason: body.reason, root: (body.after as { root?: string } | null)?.root ?? null };
  }
}

/** Recomputes the digest of every approval the ledger recorded, as the entries go by. */
export class ApprovalDigests implements EntryObserver {
  count = 0;
  problem: string | undefined;

  observe({ seq, body }: LedgerEntry): void {
    if (this.problem || body.reason !== 'approval_recorded') return;
    const facts = (
      body.detail as { facts?: { roleId: string; signedAt: string; artifactRoot: string; digest: string } }
    ).facts;
    if (!facts) {
      this.problem = `ledger entry #${seq} records an approval without its commitment`;
      return;
    }
    this.count += 1;
    if (approvalDigest({ phase: body.phase, ...facts }) !== facts.digest)
      this.problem = `ledger entry #${seq}: the ${facts.roleId} digest does not match its parts`;
  }
}

/**
 * Renders every entry again and compares it with the mirror file, byte for byte, reading the file as
 * the entries go by. An edit to the prose, a marker or the header is caught at the entry it touches.
 */
export class MirrorComparison implements EntryObserver {
  readonly #mirror: LedgerMirror;
  readonly #reader: MirrorReader;
  #match: MirrorMatch = 'same';
  #at = 0;
  #compared = 0;

  /** `uptoBytes`: the mirror's length when the ledger head was read; what was appended after is not compared. */
  constructor(mirror: LedgerMirror, uptoBytes?: number) {
    this.#mirror = mirror;
    this.#reader = mirror.reader(uptoBytes);
  }

  observe(entry: LedgerEntry): void | Promise<void> {
    if (this.#match !== 'same') return;
    const match = this.#reader.next(entry);
    if (match instanceof Promise) return match.then((found) => this.#record(entry.seq, found));
    this.#record(entry.seq, match);
  }

  #record(seq: number, match: MirrorMatch): void {
    this.#match = match;
    this.#at = seq;
    if (match === 'same') this.#compared = seq;
  }

  /** The mirror must hold every entry up to the newest checkpoint at least, and nothing else. */
  async check(entries: number, latest: Checkpoint | undefined): Promise<VerifyCheck> {
    const name = 'ledger mirror';
    const path = this.#mirror.path;
    if (this.#match === 'missing')
      return { name, ok: false, detail: `${path} is missing; rebuild it with npm run mirror -- --rebuild` };
    if (this.#match === 'differs')
      return {
        name,
        ok: false,
        detail: `${path} does not show entry #${this.#at} as the ledger holds it: the file was edited`,
      };
    if (this.#match === 'same' && (await this.#reader.rest()) > 0)
      return { name, ok: false, detail: `${path} goes on after entry #${this.#compared}, the ledger's last` };
    const needed = latest?.size ?? 0;
    if (this.#compared < needed)
      return {
        name,
        ok: false,
        detail: `${path} ends at entry #${this.#compared}, before the newest checkpoint's #${needed}`,
      };
    const behind = entries - this.#compared;
    return {
      name,
      ok: true,
      detail: `${this.#compared} entries match byte for byte${behind > 0 ? `; ${behind} newer entries are appended at the next checkpoint` : ''}`,
    };
  }
}
