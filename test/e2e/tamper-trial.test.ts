import { execFile } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { appendFile, cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { redisKeys } from '../../src/adapters/redis/redis-keys.js';
import { checkpointText, formatNote, keyIdOf, rawPublicKey } from '../../src/domain/checkpoint-note.js';
import { GENESIS_HASH, ledgerEntryHash } from '../../src/domain/ledger-entry.js';
import { ledgerLeafHash, TreeBuilder } from '../../src/domain/log-tree.js';
import { registryMerkleRoot } from '../../src/domain/merkle.js';
import { parseStoredEntry, storedEntryText } from '../../src/domain/stored-entry.js';
import { toReady, useHarnessPerTest } from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { PEOPLE } from '../support/slack-harness.js';

const perTest = useHarnessPerTest(useTestRedis());
const run = promisify(execFile);
const ORIGIN = 'mec.example.com/release-ledger';

/** A copy of one deployment's Redis keys under a prefix of its own, to tamper with apart. */
async function cloneKeys(redis: Redis, from: string, to: string): Promise<void> {
  const keys = await redis.keys(`${from}{mec}:*`);
  for (const key of keys) {
    const dumped = await redis.dumpBuffer(key);
    if (dumped) await redis.restore(`${to}${key.slice(from.length)}`, 0, dumped);
  }
}

/** The bodies of a ledger, as stored. */
async function bodiesOf(redis: Redis, prefix: string): Promise<string[]> {
  const texts = await redis.lrange(redisKeys(prefix).ledgerEntries, 0, -1);
  return texts.map((text) => parseStoredEntry(text)?.bodyText as string);
}

/** What an attacker with write access to Redis does: a new, unbroken chain over `bodies`, and its head. */
async function rewriteLedger(redis: Redis, prefix: string, bodies: readonly string[]): Promise<string[]> {
  const keys = redisKeys(prefix);
  let prevHash = GENESIS_HASH;
  const hashes: string[] = [];
  const texts = bodies.map((body, index) => {
    const hash = ledgerEntryHash(index + 1, prevHash, body);
    const text = storedEntryText(index + 1, prevHash, hash, body);
    prevHash = hash;
    hashes.push(hash);
    return text;
  });
  await redis.del(keys.ledgerEntries);
  await redis.rpush(keys.ledgerEntries, ...texts);
  await redis.hset(keys.ledgerHead, 'seq', texts.length, 'hash', prevHash);
  return hashes;
}

const withActor = (body: string, actor: string) => body.replace(/"actor":"[^"]*"/, `"actor":"${actor}"`);

interface Scene {
  redis: Redis;
  prefix: string;
  workspace: string;
}

interface Tamper {
  name: string;
  check: string;
  ledgerAttack?: boolean;
  act(scene: Scene): Promise<void>;
}

const firstFile = async (dir: string) =>
  (await readdir(dir)).filter((name) => !name.startsWith('.')).sort()[0] as string;

const TAMPERS: Tamper[] = [
  {
    name: 'a truncated tail with the head rewritten',
    check: 'ledger consistency',
    ledgerAttack: true,
    act: async ({ redis, prefix }) =>
      void (await rewriteLedger(redis, prefix, (await bodiesOf(redis, prefix)).slice(0, -3))),
  },
  {
    name: 'a changed entry with everything after it re-hashed',
    check: 'ledger consistency',
    ledgerAttack: true,
    act: async ({ redis, prefix }) => {
      const bodies = await bodiesOf(redis, prefix);
      bodies[2] = withActor(bodies[2] as string, 'U0MALLORY');
      await rewriteLedger(redis, prefix, bodies);
    },
  },
  {
    name: 'a deleted entry',
    check: 'ledger consistency',
    ledgerAttack: true,
    act: async ({ redis, prefix }) => {
      const bodies = await bodiesOf(redis, prefix);
      bodies.splice(3, 1);
      await rewriteLedger(redis, prefix, bodies);
    },
  },
  {
    name: 'a swapped pair of entries',
    check: 'ledger consistency',
    ledgerAttack: true,
    act: async ({ redis, prefix }) => {
      const bodies = await bodiesOf(redis, prefix);
      [bodies[4], bodies[5]] = [bodies[5] as string, bodies[4] as string];
      await rewriteLedger(redis, prefix, bodies);
    },
  },
  {
    name: 'an inserted entry',
    check: 'ledger consistency',
    ledgerAttack: true,
    act: async ({ redis, prefix }) => {
      const bodies = await bodiesOf(redis, prefix);
      bodies.splice(5, 0, withActor(bodies[5] as string, 'U0MALLORY'));
      await rewriteLedger(redis, prefix, bodies);
    },
  },
  {
    name: 'a whole ledger replaced by a fresh, validly chained one',
    check: 'ledger consistency',
    ledgerAttack: true,
    act: async ({ redis, prefix }) => {
      const bodies = await bodiesOf(redis, prefix);
      await rewriteLedger(
        redis,
        prefix,
        bodies.map((body) => withActor(body, 'U0MALLORY')),
      );
    },
  },
  {
    name: 'a rewritten ledger with a checkpoint signed by another key',
    check: 'checkpoint signatures',
    act: async ({ redis, prefix, workspace }) => {
      const bodies = await bodiesOf(redis, prefix);
      bodies[1] = withActor(bodies[1] as string, 'U0MALLORY');
      const hashes = await rewriteLedger(redis, prefix, bodies);
      const tree = new TreeBuilder();
      for (const hash of hashes) tree.push(ledgerLeafHash(hash));
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const text = checkpointText({ origin: ORIGIN, size: hashes.length, root: tree.root() });
      const keyId = keyIdOf(ORIGIN, rawPublicKey(publicKey));
      const note = formatNote({
        text,
        signatures: [{ name: ORIGIN, keyId, signature: sign(null, Buffer.from(text), privateKey) }],
      });
      await appendFile(join(workspace, '01-GOVERNANCE/checkpoints.txt'), `${note}\n`);
    },
  },
  {
    name: "the mirror's prose",
    check: 'ledger mirror',
    act: async ({ workspace }) => {
      const path = join(workspace, '01-GOVERNANCE/META-GOVERNANCE-LOG.md');
      const text = await readFile(path, 'utf8');
      expect(text).toContain('`approval_recorded`');
      await writeFile(path, text.replace('`approval_recorded`', '`approval_rejected_recorded`'));
    },
  },
  {
    name: "a mirror's entry marker",
    check: 'ledger mirror',
    act: async ({ workspace }) => {
      const path = join(workspace, '01-GOVERNANCE/META-GOVERNANCE-LOG.md');
      await writeFile(
        path,
        (await readFile(path, 'utf8')).replace(/hash=[0-9a-f]{64} -->/, `hash=${'0'.repeat(64)} -->`),
      );
    },
  },
  {
    name: 'an old registry snapshot',
    check: 'registry snapshots',
    act: async ({ workspace }) => {
      const dir = join(workspace, 'meta/merkle');
      const names = (await readdir(dir)).sort();
      expect(names.length).toBeGreaterThan(1);
      const path = join(dir, names[0] as string);
      const snapshot = JSON.parse(await readFile(path, 'utf8'));
      snapshot.flags.meta_prod.weightPct = 50;
      await writeFile(path, JSON.stringify(snapshot, null, 2));
    },
  },
  {
    name: 'an old registry snapshot edited and renamed to the root of its new flags',
    check: 'registry snapshots',
    act: async ({ workspace }) => {
      const dir = join(workspace, 'meta/merkle');
      const name = (await readdir(dir)).sort()[0] as string;
      const snapshot = JSON.parse(await readFile(join(dir, name), 'utf8'));
      snapshot.flags.meta_prod.weightPct = 50;
      snapshot.root = registryMerkleRoot(snapshot.flags);
      await rm(join(dir, name));
      const renamed = name.replace(/_[0-9a-f]{64}\.json$/, `_${snapshot.root}.json`);
      await writeFile(join(dir, renamed), JSON.stringify(snapshot, null, 2));
    },
  },
  {
    name: 'a backed-up file',
    check: 'backups',
    act: async ({ workspace }) => {
      const backups = join(workspace, 'artifacts/mec/M6/backups');
      await appendFile(join(backups, await firstFile(backups), 'meta/meta_flags.json'), ' ');
    },
  },
  {
    name: 'a release record',
    check: 'release records',
    act: async ({ workspace }) => {
      const releases = join(workspace, 'artifacts/mec/M6/releases');
      const path = join(releases, await firstFile(releases));
      await writeFile(path, (await readFile(path, 'utf8')).replace('"passed": true', '"passed": false'));
    },
  },
  {
    name: 'the smoke report',
    check: 'release records',
    act: async ({ workspace }) => {
      const path = join(workspace, 'reports/run_M6_smoke.json');
      await writeFile(path, (await readFile(path, 'utf8')).replace('"passed": true', '"passed": false'));
    },
  },
  {
    name: 'a release artifact',
    check: 'artifact root',
    act: async ({ workspace }) => appendFile(join(workspace, 'telemetry/schema/meta_v1.json'), ' '),
  },
  {
    name: 'the registry file',
    check: 'registry root',
    act: async ({ workspace }) => {
      const path = join(workspace, 'meta/meta_flags.json');
      const flags = JSON.parse(await readFile(path, 'utf8'));
      flags.meta_prod.weightPct = 50;
      await writeFile(path, JSON.stringify(flags, null, 2));
    },
  },
];

async function verify(prefix: string, workspace: string) {
  const env = {
    PATH: process.env.PATH,
    REDIS_URL: inject('redisUrl'),
    MEC_REDIS_PREFIX: prefix,
    MEC_WORKSPACE: workspace,
    MEC_CONFIG: 'examples/m6/mec.config.yml',
  };
  try {
    const { stdout } = await run('node', ['--import', 'tsx', 'src/cli/verify.ts'], { env });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

describe('the tamper trial: a storage-level attacker against a whole rollout', () => {
  it(`catches each of ${TAMPERS.length} kinds of tampering by the check that names it`, async () => {
    const harness = await perTest.start();
    await toReady(harness, perTest.standIn());
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.status === 'complete', 30_000);
    await expect
      .poll(async () => (await harness.reasons()).includes('phase_certified'), { timeout: 10_000 })
      .toBe(true);
    await harness.bot.ctx.anchor?.anchor();
    const { prefix } = harness;
    const redis = new Redis(inject('redisUrl'));
    onTestFinished(() => void redis.disconnect());
    const scene = async (name: string): Promise<Scene> => {
      const copy = `${prefix}${name}:`;
      await cloneKeys(redis, prefix, copy);
      const workspace = await mkdtemp(join(tmpdir(), 'mec-tamper-'));
      await cp(harness.workspace, workspace, { recursive: true });
      return { redis, prefix: copy, workspace };
    };

    const control = await scene('control');
    const intact = await verify(control.prefix, control.workspace);
    expect(intact.stdout).not.toContain('FAIL');
    expect(intact.code).toBe(0);

    for (const [index, tamper] of TAMPERS.entries()) {
      const tampered = await scene(`t${index}`);
      await tamper.act(tampered);
      const { code, stdout } = await verify(tampered.prefix, tampered.workspace);
      expect(code, tamper.name).toBe(1);
      expect(stdout, tamper.name).toContain(`FAIL ${tamper.check}:`);
      // A careful attacker keeps the hash chain whole: only the checkpoints outside Redis see it.
      if (tamper.ledgerAttack) expect(stdout, tamper.name).toContain('ok   ledger chain:');
    }
  }, 180_000);
});
