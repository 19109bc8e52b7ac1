import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { FileFlagRegistry } from '../../src/adapters/files/file-flag-registry.js';
import { artifactRootOf } from '../../src/adapters/files/workspace-artifacts.js';
import { redisAdapters } from '../../src/adapters/redis/redis-adapters.js';
import { writeFlag } from '../../src/app/registry-guard.js';
import { transition } from '../../src/app/transition.js';
import { loggingPublisher, rolloutContext } from '../../src/composition/rollout-context.js';
import { readConfig } from '../../src/config/load-settings.js';
import { toPolicy } from '../../src/config/to-policy.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import { testLedgerKey } from './ledger-key.js';
import { copyExampleWorkspace } from './workspace.js';

const EXAMPLE_CONFIG = 'examples/m6/mec.config.yml';

/**
 * A copy of the example workspace and a Redis prefix holding an M6 rollout under the example config,
 * approved by all four roles against the real artifact root, with a registry write, the mirror and a
 * signed checkpoint.
 */
export async function approvedWorkspace(redis: Redis, prefix: string) {
  const loaded = await readConfig(EXAMPLE_CONFIG);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const { config } = loaded;
  const workspace = await copyExampleWorkspace();
  const adapters = redisAdapters(redis, prefix);
  const now = () => new Date('2025-10-21T03:12:04Z');
  const deps = { store: adapters.store, now };
  const { root } = await artifactRootOf(workspace, config.artifacts.files);
  const user = (roleId: string) => config.roles.find((role) => role.id === roleId)?.users[0] as string;
  const events: RolloutEvent[] = [
    { type: 'start', actor: user('release_manager'), rolloutId: 'R1', policy: toPolicy(config) },
    ...config.approvals.roles.map(
      (roleId): RolloutEvent => ({ type: 'approve', actor: user(roleId), roleId, artifactRoot: root }),
    ),
  ];
  for (const event of events) {
    const result = await transition(deps, config.phase, event);
    if (result.outcome !== 'applied') throw new Error(`${event.type}: ${result.message}`);
  }
  const registry = new FileFlagRegistry(workspace, config.registry.path);
  await writeFlag(
    { registry, rootRecord: adapters.rootRecord, now },
    {
      phase: 'M6',
      rolloutId: 'R1',
      actor: 'mec-bot',
      key: 'meta_prod',
      value: { mode: 'shadow', weightPct: 0 },
    },
  );
  const ctx = rolloutContext(
    { config, workspace, redis, prefix, logger: pino({ level: 'silent' }), now, ledgerKey: testLedgerKey() },
    loggingPublisher(pino({ level: 'silent' })),
    { run: async () => undefined },
  );
  // What the bot does after every commit: the mirror and a signed checkpoint.
  await ctx.anchor?.anchor();
  return { workspace, config, adapters, artifactRoot: root, ctx };
}
