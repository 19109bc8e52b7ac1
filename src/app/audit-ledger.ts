import { ChainWalker } from '../domain/chain-walker.js';
import type { Checkpoint, NoteVerifier } from '../domain/checkpoint-note.js';
import { ledgerLeafHash, proveWhileGrowing, TreeBuilder, verifyConsistency } from '../domain/log-tree.js';
import { entryOf, parseStoredEntry } from '../domain/stored-entry.js';
import { type CheckpointTally, trustedCheckpoints } from './checkpoint-stream.js';
import { type InclusionProof, InclusionWatch } from './inclusion-watch.js';
import type { EntryObserver, LedgerSource } from './ports/ledger-source.js';
import type { VerifyCheck } from './ports/rollout-actions.js';

export interface LedgerAuditResult {
  /** `ledger chain`, `checkpoint signatures` and `ledger consistency`, in that order. */
  checks: VerifyCheck[];
  entries: number;
  /** The newest trusted checkpoint the ledger reached. */
  latest?: Checkpoint;
  inclusion?: InclusionProof;
}

/** A size the walk stops at: a trusted checkpoint's, or the ledger's own at the end. */
type Goal = { size: number; checkpoint?: Checkpoint };

/**
 * One pass over the ledger, in memory that does not grow with it: the hash chain, every checkpoint's
 * signature, and consistency. At each checkpoint's size the tree's root must be the signed one and the
 * RFC 6962 consistency proof from the checkpoint before must verify; the last checkpoint is proved to
 * the whole ledger. By that chain of proofs every checkpoint is a prefix of today's log.
 */
export async function auditLedger(
  source: LedgerSource,
  trust: { verifier: NoteVerifier | undefined; origin: string },
  observers: readonly EntryObserver[],
  inclusionOf?: { seq: number; checkpoint: Checkpoint },
): Promise<LedgerAuditResult> {
  const tally: CheckpointTally = { signed: 0, torn: false };
  const goals = goalsOf(
    trustedCheckpoints(source.checkpoints(), trust.verifier, trust.origin, tally),
    source,
  )[Symbol.asyncIterator]();
  const builder = new TreeBuilder();
  let walker = new ChainWalker();
  const inclusion = inclusionOf && new InclusionWatch(builder, inclusionOf.seq, inclusionOf.checkpoint);
  const problems: { chain?: string; consistency?: string } = {};
  let proved = 0;
  let previous: Checkpoint | undefined;
  const nextGoal = async (): Promise<Goal | undefined> => {
    for (;;) {
      const { value, done } = await goals.next();
      if (done) return undefined;
      if (value.size <= source.head.seq) return value;
      problems.consistency ??= `a checkpoint covers ${value.size} entries, but the ledger holds ${source.head.seq}: entries were cut from its end`;
    }
  };
  let goal = await nextGoal();
  let prove = proveWhileGrowing(builder, goal?.size ?? 0);
  const reachGoals = async () => {
    while (goal && builder.size === goal.size) {
      const proof = prove();
      const root = builder.root();
      if (goal.checkpoint && !root.equals(goal.checkpoint.root))
        problems.consistency ??= `the ledger's first ${goal.size} entries do not hash to the root their checkpoint signed: the ledger was rewritten at or before entry #${goal.size}`;
      else if (previous && !verifyConsistency(previous.size, goal.size, previous.root, root, proof))
        problems.consistency ??= `the consistency proof from checkpoint ${previous.size} to ${goal.size} entries fails`;
      else if (previous && previous.size < goal.size) proved += 1;
      if (goal.checkpoint) {
        inclusion?.reached(goal.checkpoint);
        previous = goal.checkpoint;
      }
      goal = goal.checkpoint ? await nextGoal() : undefined;
      if (goal) prove = proveWhileGrowing(builder, goal.size);
    }
  };
  await reachGoals();
  const observed = observers.length > 0 || inclusion !== undefined;
  // Awaits are per page, and per entry only where an observer must wait (for more of a file): at a
  // million entries, an await per entry would cost more than the checks.
  walk: for await (const page of source.pages) {
    for (const text of page) {
      if (!goal) {
        problems.chain ??= `the entries go on past #${source.head.seq}, where the ledger head is`;
        break walk;
      }
      const step = walker.next(text);
      const stored = step.ok ? step.stored : parseStoredEntry(text);
      if (!step.ok) problems.chain ??= `${step.message} (${step.problem})`;
      if (!stored || stored.seq !== builder.size + 1) break walk;
      // A broken link is reported once and the walk goes on from the entry as stored: the checkpoints
      // still decide whether the entries they cover are the ones they signed.
      if (!step.ok) walker = new ChainWalker({ seq: stored.seq, hash: stored.hash });
      builder.push(step.ok ? step.leaf : ledgerLeafHash(stored.hash));
      if (observed) {
        const entry = entryOf(stored);
        inclusion?.saw(entry);
        for (const observer of observers) {
          const pending = observer.observe(entry);
          if (pending instanceof Promise) await pending;
        }
      }
      if (builder.size === goal.size) await reachGoals();
    }
  }
  if (goal)
    problems.chain ??= `the entries end at #${builder.size}, but the ledger head says #${source.head.seq}: entries are missing from the end`;
  // The checkpoints left unread are counted for the signature check.
  while (goal) goal = await nextGoal();
  const result = inclusion?.result();
  return {
    checks: [
      chainCheck(problems.chain, walker.head, source.head),
      signatureCheck(tally, builder.size, trust.verifier),
      consistencyCheck(problems.consistency, tally, proved, previous, builder.size),
    ],
    entries: builder.size,
    ...(previous ? { latest: previous } : {}),
    ...(result ? { inclusion: result } : {}),
  };
}

async function* goalsOf(checkpoints: AsyncIterable<Checkpoint>, source: LedgerSource): AsyncIterable<Goal> {
  for await (const checkpoint of checkpoints) yield { size: checkpoint.size, checkpoint };
  yield { size: source.head.seq };
}

function chainCheck(
  problem: string | undefined,
  walked: { seq: number; hash: string },
  head: { seq: number; hash: string },
): VerifyCheck {
  if (problem) return { name: 'ledger chain', ok: false, detail: problem };
  if (walked.hash !== head.hash)
    return {
      name: 'ledger chain',
      ok: false,
      detail: `the chain ends at entry #${walked.seq} with another hash than the ledger head records`,
    };
  return { name: 'ledger chain', ok: true, detail: `${walked.seq} entries, head ${walked.hash}` };
}

function signatureCheck(
  tally: CheckpointTally,
  entries: number,
  verifier: NoteVerifier | undefined,
): VerifyCheck {
  const name = 'checkpoint signatures';
  if (tally.badSignature) return { name, ok: false, detail: tally.badSignature };
  if (tally.signed === 0 && entries > 0)
    return {
      name,
      ok: false,
      detail: `no signed checkpoint, though the ledger holds ${entries} entries: the bot signs one after every commit`,
    };
  const torn = tally.torn
    ? '; a torn note at the end (a crash mid-append) is cut off at the next append'
    : '';
  return {
    name,
    ok: true,
    detail: `${tally.signed} checkpoints, each signed by ${verifier ? `${verifier.name}+${verifier.keyId}` : 'no key'}${torn}`,
  };
}

function consistencyCheck(
  problem: string | undefined,
  tally: CheckpointTally,
  proved: number,
  latest: Checkpoint | undefined,
  entries: number,
): VerifyCheck {
  const name = 'ledger consistency';
  const found = problem ?? tally.outOfOrder;
  if (found) return { name, ok: false, detail: found };
  if (!latest) return { name, ok: true, detail: 'no checkpoint to prove' };
  const pending = entries - latest.size;
  return {
    name,
    ok: true,
    detail: `every checkpoint is a prefix of the ledger (${proved} consistency proofs); the newest covers ${latest.size} entries, root ${latest.root.toString('hex').slice(0, 12)}${pending > 0 ? `; ${pending} newer entries await the next checkpoint` : ''}`,
  };
}
