import {
  type Checkpoint,
  checkpointText,
  formatNote,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  verifyNote,
} from '../domain/checkpoint-note.js';
import { MecError } from '../domain/errors.js';
import { LedgerWalk } from '../domain/ledger-walk.js';
import {
  consistencyProofRanges,
  ledgerLeafHash,
  ProofCollector,
  proveWhileGrowing,
} from '../domain/log-tree.js';
import { parseStoredEntry } from '../domain/stored-entry.js';
import type { CheckpointLog } from './ports/checkpoint-log.js';
import type { CheckpointSigner } from './ports/checkpoint-signer.js';
import type { CosignatureLog } from './ports/cosignature-log.js';
import type { Ledger } from './ports/ledger.js';
import type { LedgerCheckpoints } from './ports/ledger-checkpoints.js';
import type { LedgerMirror } from './ports/ledger-mirror.js';
import type { LedgerPrefixWalker } from './ports/ledger-prefix-walker.js';
import type { TrafficLock } from './ports/traffic-lock.js';
import type { Witness } from './ports/witness.js';
import { syncMirror } from './sync-mirror.js';

/** The lock every writer of the mirror and the checkpoints holds, across processes. */
export const ANCHOR_LOCK = 'ledger-anchor';
const ANCHOR_LEASE_MS = 30_000;

export interface AnchorDeps {
  ledger: Ledger;
  mirror: LedgerMirror;
  checkpoints: CheckpointLog;
  signer: CheckpointSigner;
  lock: TrafficLock;
  /** Told of a failure of work nobody waits for: a kicked anchor, a mirror that disagrees, a witness. */
  onError: (error: Error) => void;
  /** A witness to cosign each checkpoint, and where its cosignatures are kept; optional. */
  witness?: { witness: Witness; cosignatures: CosignatureLog };
  /**
   * Where the first walk over the signed entries runs, away from this heap; optional. Without it the
   * walk runs here, on this event loop.
   */
  prefixWalker?: LedgerPrefixWalker;
}

/**
 * Pins the ledger outside Redis: after each commit it brings the Markdown mirror up to date and signs a
 * checkpoint of the whole ledger into the workspace's checkpoints file. Commits that land together are
 * covered by one checkpoint. It signs only a ledger that extends its last checkpoint: one rewritten
 * underneath it is refused (`ledger_diverged`), and stays refused until the ledger is restored.
 */
export class LedgerAnchor implements LedgerCheckpoints {
  readonly #deps: AnchorDeps;
  readonly #verifier;
  /** The ledger this process has checked, up to some entry: grown, never rebuilt, while it holds. */
  #checked: LedgerWalk | undefined;
  #latest: Checkpoint | undefined;
  #running: Promise<unknown> | undefined;
  #pending: Promise<Checkpoint | undefined> | undefined;

  constructor(deps: AnchorDeps) {
    this.#deps = deps;
    this.#verifier = parseVerifierKey(deps.signer.verifierKey);
  }

  /** Anchors soon, without waiting; a failure goes to `onError`. */
  kick(): void {
    this.anchor().catch((error: Error) => this.#deps.onError(error));
  }

  /**
   * Anchors the ledger up to its head as it is once this call's turn comes: calls made while one runs
   * share the next run, so a burst of commits costs two runs, not one each.
   */
  anchor(): Promise<Checkpoint | undefined> {
    if (this.#pending) return this.#pending;
    const previous = this.#running ?? Promise.resolve();
    const pending = previous
      .catch(() => undefined)
      .then(() => {
        this.#pending = undefined;
        const running = this.#deps.lock.withLock(ANCHOR_LOCK, ANCHOR_LEASE_MS, (signal) =>
          this.#anchorOnce(signal),
        );
        this.#running = running;
        return running;
      });
    this.#pending = pending;
    return pending;
  }

  async latest(seq?: number): Promise<Checkpoint | undefined> {
    if (seq === undefined) return this.#latest ?? (await this.#lastSigned().catch(() => undefined));
    if ((this.#latest?.size ?? 0) >= seq) return this.#latest;
    const checkpoint = await this.anchor().catch((error: Error) => {
      this.#deps.onError(error);
      return undefined;
    });
    return checkpoint && checkpoint.size >= seq ? checkpoint : undefined;
  }

  async #anchorOnce(signal: AbortSignal): Promise<Checkpoint | undefined> {
    const { ledger, checkpoints, signer } = this.#deps;
    const last = await this.#lastSigned();
    const head = await ledger.head();
    if (last && last.size > head.seq)
      throw new MecError(
        'ledger_diverged',
        because(
          `the last checkpoint covers ${last.size} entries, but the ledger holds ${head.seq}: entries were cut from its end`,
        ),
      );
    const walk = await this.#checkedTo(last);
    const prove =
      this.#deps.witness && head.seq > walk.size ? proveWhileGrowing(walk.tree, head.seq) : undefined;
    // The chain is checked up to the head before any of it is mirrored or signed.
    await this.#grow(walk, head.seq);
    signal.throwIfAborted();
    await syncMirror(this.#deps, head.seq, signal).catch((error: Error) => this.#deps.onError(error));
    if (head.seq === last?.size || head.seq === 0) {
      this.#latest = last;
      return last;
    }
    signal.throwIfAborted();
    const checkpoint: Checkpoint = { origin: signer.name, size: head.seq, root: walk.tree.root() };
    const text = checkpointText(checkpoint);
    const note = formatNote({
      text,
      signatures: [{ name: signer.name, keyId: signer.keyId, signature: signer.sign(text) }],
    });
    await checkpoints.append(note);
    this.#latest = checkpoint;
    if (prove)
      await this.#cosign(note, checkpoint, last?.size ?? 0, prove()).catch((error: Error) =>
        this.#deps.onError(error),
      );
    return checkpoint;
  }

  /**
   * Sends the new checkpoint to the witness with the proof from the size it saw last, and keeps what
   * it cosigns. A witness that saw another size gets a proof from that size, made in a pass over the
   * ledger; one that is down leaves the checkpoint uncosigned, and the next checkpoint tries again.
   */
  async #cosign(note: string, checkpoint: Checkpoint, oldSize: number, proof: Buffer[]): Promise<void> {
    const { witness, cosignatures } = this.#deps.witness as NonNullable<AnchorDeps['witness']>;
    // Sent as if the witness saw our last checkpoint; one that missed it answers 409 with its size.
    let answer = await witness.addCheckpoint({ oldSize, proof, note });
    if (answer.kind === 'conflict' && answer.witnessSize < checkpoint.size) {
      const fromSize = answer.witnessSize;
      answer = await witness.addCheckpoint({
        oldSize: fromSize,
        proof: await this.#proofFrom(fromSize, checkpoint.size),
        note,
      });
    }
    if (answer.kind === 'conflict')
      throw new MecError(
        'witness_refused',
        `the witness at ${witness.url} holds ${answer.witnessSize} entries of this ledger, not a prefix of the ${checkpoint.size} just signed: check for a split view`,
      );
    await cosignatures.append(`${note}${answer.signatures.map((line) => `${line}\n`).join('')}`);
  }

  /** The consistency proof from `oldSize` to `newSize`, made in one pass over the ledger's entries. */
  async #proofFrom(oldSize: number, newSize: number): Promise<Buffer[]> {
    const ranges = consistencyProofRanges(oldSize, newSize);
    const collector = new ProofCollector(newSize, ranges);
    for await (const text of this.#deps.ledger.stream(1, newSize)) {
      const stored = parseStoredEntry(text);
      if (!stored) throw new MecError('ledger_diverged', because('a ledger entry is malformed'));
      collector.builder.push(ledgerLeafHash(stored.hash));
    }
    return collector.hashes(ranges);
  }

  /** The newest checkpoint in the file, which must be signed by our key under our origin. */
  async #lastSigned(): Promise<Checkpoint | undefined> {
    const note = await this.#deps.checkpoints.latest();
    if (note === undefined) return undefined;
    const signed = parseNote(note);
    if (!verifyNote(signed, this.#verifier))
      throw new MecError(
        'ledger_diverged',
        because(
          `the last note in ${this.#deps.checkpoints.path} is not signed by ${this.#verifier.name}+${this.#verifier.keyId}`,
        ),
      );
    const checkpoint = parseCheckpoint(signed.text);
    if (checkpoint.origin !== this.#deps.signer.name)
      throw new MecError(
        'ledger_diverged',
        because(
          `the last checkpoint is for origin ${checkpoint.origin}, not ${this.#deps.signer.name}: keep ledger.origin as it was`,
        ),
      );
    return checkpoint;
  }

  /** This process's tree, grown to the last checkpoint's size and holding its root. */
  async #checkedTo(last: Checkpoint | undefined): Promise<LedgerWalk> {
    const size = last?.size ?? 0;
    if (!this.#checked || this.#checked.size > size) this.#checked = await this.#walkedFromGenesis(size);
    const walk = this.#checked;
    await this.#grow(walk, size);
    if (last && !walk.tree.root().equals(last.root)) {
      this.#checked = undefined;
      throw new MecError(
        'ledger_diverged',
        because(
          `the ledger's first ${size} entries no longer hash to the root of its last signed checkpoint: Redis was rewritten`,
        ),
      );
    }
    return walk;
  }

  /**
   * A walk of the first `size` entries, made where `prefixWalker` runs it when there is one: there it
   * checks everything `#grow` does, and what comes back is only where it ended.
   */
  async #walkedFromGenesis(size: number): Promise<LedgerWalk> {
    const walker = this.#deps.prefixWalker;
    if (!walker || size === 0) return new LedgerWalk();
    const walked = await walker.walk(size);
    if (!walked.ok) throw new MecError('ledger_diverged', because(walked.problem));
    return new LedgerWalk(walked.prefix);
  }

  async #grow(walk: LedgerWalk, toSeq: number): Promise<void> {
    for await (const text of this.#deps.ledger.stream(walk.size + 1, toSeq)) {
      const problem = walk.next(text);
      if (problem !== undefined) {
        this.#checked = undefined;
        throw new MecError('ledger_diverged', because(problem));
      }
    }
    const short = walk.shortOf(toSeq);
    if (short !== undefined) {
      this.#checked = undefined;
      throw new MecError('ledger_diverged', because(short));
    }
  }
}

const because = (detail: string) =>
  `${detail}. No checkpoint is signed over it; run npm run verify to see where, and restore the ledger from a copy`;
