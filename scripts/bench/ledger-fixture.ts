import { createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { MIRROR_HEADER, MIRROR_PATH, renderEntry } from '../../src/adapters/files/markdown-ledger-mirror.js';
import { Ed25519CheckpointSigner } from '../../src/adapters/node-crypto/ed25519-checkpoint-signer.js';
import { redisKeys } from '../../src/adapters/redis/redis-keys.js';
import { canonicalJson } from '../../src/domain/canonical-json.js';
import { checkpointText, formatNote } from '../../src/domain/checkpoint-note.js';
import { GENESIS_HASH, type LedgerBody, ledgerEntryHash } from '../../src/domain/ledger-entry.js';
import { ledgerLeafHash, TreeBuilder } from '../../src/domain/log-tree.js';
import { storedEntryText } from '../../src/domain/stored-entry.js';

const ORIGIN = 'mec.example.com/release-ledger';
const BATCH = 5_000;

/** A ledger body of the size and shape real ones have: a ramp decision with its gates. */
export function bodyOf(seq: number): LedgerBody {
  return {
    v: 1,
    at: new Date(Date.UTC(2026, 0, 1) + seq * 1_000).toISOString(),
    phase: 'M6',
    rolloutId: `M6-20260101T000000Z-${(seq % 4096).toString(16).padStart(4, '0')}`,
    actor: seq % 3 === 0 ? 'mec-bot' : `U0${(seq % 97).toString().padStart(8, '0')}`,
    action: 'ramp',
    outcome: 'applied',
    reason: 'ramp_accepted',
    before: { stage: 'soaking', trafficPct: 5 },
    after: { stage: 'ramping', trafficPct: 25 },
    detail: {
      artifactRoot: 'd56b60daef3e9efbad7a060f9e9b575bd2193d86eb68a6a6321295ddfbba4f05',
      gates: [
        { id: 'approvals', ok: true },
        { id: 'soak', ok: true },
      ],
      message: `Ramp to 25% accepted (entry ${seq})`,
    },
  };
}

/**
 * A ledger of `count` entries under `prefix`, as the bot would have left it: the entries and head in
 * Redis, and in a copy of the example workspace the mirror and a signed checkpoint every
 * `checkpointEvery` entries and at the end. Returns the workspace.
 */
export async function writeLedgerFixture(
  redis: Redis,
  prefix: string,
  count: number,
  checkpointEvery: number,
): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), 'mec-bench-'));
  await cp('examples/m6/workspace', workspace, { recursive: true });
  await mkdir(join(workspace, '01-GOVERNANCE'), { recursive: true });
  const signer = new Ed25519CheckpointSigner(
    ORIGIN,
    createPrivateKey(await readFile('test/fixtures/ledger-key.pem', 'utf8')),
  );
  const keys = redisKeys(prefix);
  const mirror = createWriteStream(join(workspace, MIRROR_PATH));
  const checkpoints = createWriteStream(join(workspace, '01-GOVERNANCE/checkpoints.txt'));
  const write = async (stream: NodeJS.WritableStream, text: string) => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  await write(mirror, MIRROR_HEADER);
  const tree = new TreeBuilder();
  let prevHash = GENESIS_HASH;
  let batch: string[] = [];
  let rendered = '';
  for (let seq = 1; seq <= count; seq += 1) {
    const body = bodyOf(seq);
    const bodyText = canonicalJson(body);
    const hash = ledgerEntryHash(seq, prevHash, bodyText);
    batch.push(storedEntryText(seq, prevHash, hash, bodyText));
    rendered += renderEntry({ seq, prevHash, hash, body });
    tree.push(ledgerLeafHash(hash));
    prevHash = hash;
    if (seq % checkpointEvery === 0 || seq === count) {
      const text = checkpointText({ origin: ORIGIN, size: seq, root: tree.root() });
      const note = formatNote({
        text,
        signatures: [{ name: ORIGIN, keyId: signer.keyId, signature: signer.sign(text) }],
      });
      await write(checkpoints, `${note}\n`);
    }
    if (batch.length === BATCH || seq === count) {
      await redis.rpush(keys.ledgerEntries, ...batch);
      await write(mirror, rendered);
      batch = [];
      rendered = '';
    }
  }
  await redis.hset(keys.ledgerHead, 'seq', count, 'hash', prevHash);
  for (const stream of [mirror, checkpoints]) {
    stream.end();
    await once(stream, 'finish');
  }
  return workspace;
}
