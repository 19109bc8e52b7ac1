import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { QUEUE_NAMES, type Queues } from '../../src/adapters/bullmq/queues.js';
import { redisAdapters } from '../../src/adapters/redis/redis-adapters.js';
import type { OutboxItem } from '../../src/app/ports/outbox.js';
import type { MecConfig } from '../../src/config/config-schema.js';
import type { LedgerEntry } from '../../src/domain/ledger-entry.js';
import { type RecordedCall, SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import {
  compressed,
  type JobsHarness,
  processDriver,
  startJobsHarness,
  toReady,
} from '../support/jobs-harness.js';
import { compressedConfigFile, startBotProcess } from '../support/processes.js';
import { type TestRedis, useTestRedis } from '../support/redis.js';
import { textOf } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';
import { SIGNING_SECRET } from '../support/slack-requests.js';
import { copyExampleWorkspace } from '../support/workspace.js';

/**
 * Effects are durable: for every kind of effect, the work its transition asks for is lost neither when
 * the queue write fails after the commit, nor when the process stops between the commit and the queue,
 * nor when Redis refuses the BullMQ keys. Once the fault clears, the work runs exactly once.
 */

const testRedis = useTestRedis();
let standIn: SlackApiStandIn;
let redis: TestRedis;
let harnesses: JobsHarness[];
/** Redis ACL users a test made: granted every key again before its bots close, removed after. */
let aclUsers: Array<{ grantAll(): Promise<unknown>; remove(): Promise<unknown> }>;

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
  redis = testRedis();
  harnesses = [];
  aclUsers = [];
});

afterEach(async () => {
  for (const user of aclUsers) await user.grantAll();
  for (const harness of harnesses) await harness.close();
  // Removing a user drops its connections, so only once its bots are closed.
  for (const user of aclUsers) await user.remove();
  await standIn.stop();
});

/** Compressed, without autoAdvance: every ramp waits for a person, so a test counts one step's work. */
function stepByStep(config: MecConfig): MecConfig {
  const fast = compressed(config);
  return { ...fast, plan: { ...fast.plan, autoAdvance: false } };
}

async function bot(options: Parameters<typeof startJobsHarness>[2] = {}): Promise<JobsHarness> {
  const harness = await startJobsHarness(standIn, redis, { configure: stepByStep, ...options });
  harnesses.push(harness);
  return harness;
}

const requestOf = (entry: LedgerEntry) =>
  ((entry.body.detail as { request?: Record<string, unknown> } | null)?.request ?? {}) as Record<
    string,
    unknown
  >;

/** How many applied ledger entries have `reason` and a request with these fields: a job's report. */
async function reports(
  harness: JobsHarness,
  reason: string,
  request: Record<string, unknown> = {},
): Promise<number> {
  const entries = await harness.adapters.ledger.read();
  return entries.filter(
    (entry) =>
      entry.body.reason === reason &&
      entry.body.outcome === 'applied' &&
      Object.entries(request).every(([field, value]) => requestOf(entry)[field] === value),
  ).length;
}

const approvalCards = () =>
  standIn.callsOf('chat.postMessage').filter((call) => textOf(call).includes('mec_approve')).length;

const say = (harness: JobsHarness, text: string, user: string = PEOPLE.releaseManager) =>
  harness.command(user, text);

interface Kind {
  name: string;
  /** The queue its job goes to. */
  queue: keyof Queues;
  /** The crash point between the commit that asks for it and its queue write. */
  crashpoint: string;
  /** The kind of effect its outbox item carries. */
  effect: (item: OutboxItem) => boolean;
  /** Brings the rollout to where the next action asks for the effect. */
  before: (harness: JobsHarness) => Promise<void>;
  /** The request whose commit, or whose job's report, asks for the effect. */
  act: (harness: JobsHarness) => Promise<RecordedCall>;
  /** How many times the effect's work has run. */
  runs: (harness: JobsHarness) => Promise<number>;
}

const hasEffect = (kind: string, check?: string) => (item: OutboxItem) =>
  item.work.decision.effects.some(
    (effect) =>
      effect.kind === kind && (check === undefined || ('check' in effect && effect.check === check)),
  );

const nothing = async () => undefined;
const start = (harness: JobsHarness) => say(harness, 'start');
const ready = async (harness: JobsHarness) => {
  await toReady(harness, standIn);
};

const KINDS: Kind[] = [
  {
    name: 'pre-flight',
    queue: 'preflight',
    crashpoint: 'commit:preflight',
    effect: hasEffect('run_check', 'preflight'),
    before: nothing,
    act: start,
    runs: (harness) => reports(harness, 'check_passed', { check: 'preflight' }),
  },
  {
    name: 'backup',
    queue: 'backup',
    crashpoint: 'commit:backup',
    effect: hasEffect('run_check', 'backup'),
    before: nothing,
    act: start,
    runs: (harness) => reports(harness, 'check_passed', { check: 'backup' }),
  },
  {
    name: 'smoke',
    queue: 'smoke',
    crashpoint: 'commit:smoke',
    effect: hasEffect('run_check', 'smoke'),
    before: nothing,
    act: start,
    runs: (harness) => reports(harness, 'check_passed', { watch: 'smoke' }),
  },
  {
    name: 'ramp',
    queue: 'ramp',
    crashpoint: 'commit:ramp',
    effect: hasEffect('set_traffic'),
    before: ready,
    act: (harness) => say(harness, 'ramp 5'),
    runs: (harness) => reports(harness, 'traffic_applied'),
  },
  {
    name: 'soak',
    queue: 'soak',
    crashpoint: 'commit:soak',
    effect: hasEffect('end_soak_at'),
    before: ready,
    act: (harness) => say(harness, 'ramp 5'),
    runs: (harness) => reports(harness, 'soak_passed', { watch: 'soak' }),
  },
  {
    name: 'rollback',
    queue: 'rollback',
    crashpoint: 'commit:rollback',
    effect: hasEffect('roll_back'),
    before: async (harness) => {
      await ready(harness);
      await say(harness, 'ramp 5');
      await harness.waitForState((state) => state.trafficPct === 5);
    },
    act: (harness) => say(harness, 'rollback paged by the test', PEOPLE.sre),
    runs: (harness) => reports(harness, 'rollback_finished'),
  },
  {
    name: 'notify (thread, card, redraw)',
    queue: 'notify',
    crashpoint: 'commit:card_approvals',
    effect: hasEffect('post_card'),
    before: async (harness) => {
      await start(harness);
      await harness.waitForState((state) => state.checks.smoke.status === 'passed');
      await say(harness, 'go', PEOPLE.governance);
    },
    act: (harness) => say(harness, 'go', PEOPLE.sre),
    runs: async () => approvalCards(),
  },
];

/** Waits until the outbox holds the kind's work, and shows it has not run. */
async function pendingWork(harness: JobsHarness, kind: Kind): Promise<void> {
  await expect
    .poll(async () => (await harness.adapters.store.pending()).some(kind.effect), { timeout: 20_000 })
    .toBe(true);
  expect(await kind.runs(harness)).toBe(0);
}

/** Waits until the kind's work ran and the outbox is empty, then shows it ran once. */
async function ranOnce(harness: JobsHarness, kind: Kind): Promise<void> {
  await expect.poll(() => kind.runs(harness), { timeout: 20_000 }).toBeGreaterThan(0);
  await expect
    .poll(async () => (await harness.adapters.store.pending()).some(kind.effect), { timeout: 20_000 })
    .toBe(false);
  expect(await kind.runs(harness)).toBe(1);
}

const expectNoFalseComfort = (reply: RecordedCall | undefined) => {
  if (reply) expect(String(reply.args.text)).not.toMatch(/half-done/i);
};

// Each test gets a minute: it drives a rollout to the step through Slack, and some start two bots.
describe.each(KINDS)('the $name effect', { timeout: 60_000 }, (kind) => {
  it('survives a queue write that fails after the commit, and runs once when the queue takes it', async () => {
    const harness = await bot();
    await kind.before(harness);
    const add = vi.spyOn(harness.queues[kind.queue], 'add').mockImplementation(async () => {
      throw new Error('the queue write failed');
    });
    const reply = await kind.act(harness);
    expectNoFalseComfort(reply);
    await pendingWork(harness, kind);
    add.mockRestore();
    await ranOnce(harness, kind);
  });

  it('survives a process that stops between the commit and the queue: the next process delivers it at start', async () => {
    const crashed = await bot({ crashpoint: kind.crashpoint, dispatcher: false });
    await kind.before(crashed);
    // The request's own answer never comes when the web side stops; a job's report has no answer.
    void kind.act(crashed).catch(() => undefined);
    await pendingWork(crashed, kind);
    await crashed.kill();
    const rescuer = await bot({ workspace: crashed.workspace });
    await ranOnce(rescuer, kind);
  });

  it('survives Redis refusing the BullMQ keys, and runs once when they are granted again', async () => {
    const admin = redis.connect();
    const user = `outbox-${randomUUID()}`;
    const password = randomUUID();
    const grant = (queue: string) => `~${redis.prefix}bull:${queue}:*`;
    const others = Object.entries(QUEUE_NAMES)
      .filter(([queue]) => queue !== kind.queue)
      .map(([, name]) => grant(name));
    const mine = `~${redis.prefix}{mec}:*`;
    const target = grant(QUEUE_NAMES[kind.queue]);
    await admin.call(
      'ACL',
      'SETUSER',
      user,
      'reset',
      'on',
      `>${password}`,
      '+@all',
      '&*',
      mine,
      ...others,
      target,
    );
    aclUsers.push({
      grantAll: () => admin.call('ACL', 'SETUSER', user, '~*'),
      remove: () => admin.call('ACL', 'DELUSER', user),
    });
    const url = new URL(inject('redisUrl'));
    url.username = user;
    url.password = password;
    const harness = await bot({ redisUrl: url.toString() });
    await kind.before(harness);
    // Only now are its queue's keys refused, so everything before it ran.
    await admin.call('ACL', 'SETUSER', user, 'resetkeys', mine, ...others);
    const reply = await kind.act(harness);
    expectNoFalseComfort(reply);
    await pendingWork(harness, kind);
    await admin.call('ACL', 'SETUSER', user, target);
    await ranOnce(harness, kind);
  });
});

describe('a ramp whose job could not be queued', () => {
  it('is answered as recorded and retried, never as half-done, and does not wedge the next ramp', async () => {
    const harness = await bot();
    await ready(harness);
    const add = vi.spyOn(harness.queues.ramp, 'add').mockImplementation(async () => {
      throw new Error('the queue write failed');
    });
    const reply = String((await say(harness, 'ramp 5')).args.text);
    expect(reply).not.toMatch(/half-done/i);
    expect(reply).toContain('has not reached the job queues yet');
    expect(reply).toContain('keeps retrying it by itself');
    add.mockRestore();
    await harness.waitForState((state) => state.trafficPct === 5 && state.soak?.status === 'passed');
    const next = String((await say(harness, 'ramp 25')).args.text);
    expect(next).not.toContain('ramp_in_progress');
    await harness.waitForState((state) => state.trafficPct === 25);
    expect(await reports(harness, 'traffic_applied')).toBe(2);
  }, 60_000);
});

describe('a bot process killed between the commit and the queue', () => {
  it('leaves the ramp in the outbox, and the next process delivers it at start: traffic moves once', async () => {
    // Only the delivery at start may deliver it: the timer would also run in the armed process.
    const config = await compressedConfigFile((doc) => doc.setIn(['jobs', 'outboxInterval'], '1h'));
    const env = {
      MEC_CONFIG: config,
      MEC_WORKSPACE: await copyExampleWorkspace(),
      REDIS_URL: inject('redisUrl'),
      MEC_REDIS_PREFIX: redis.prefix,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: standIn.apiUrl,
    };
    const first = await startBotProcess({ ...env, MEC_CRASHPOINT: 'commit:ramp' });
    try {
      const adapters = redisAdapters(redis.connect(), redis.prefix);
      await toReady(processDriver(`${first.url}/slack/events`, standIn, adapters), standIn);
      void processDriver(`${first.url}/slack/events`, standIn, adapters)
        .command(PEOPLE.releaseManager, 'ramp 5')
        .catch(() => undefined);
      await expect.poll(() => first.output(), { timeout: 20_000 }).toContain('crashpoint reached');
      await first.kill('SIGKILL');
      const reasons = async () => (await adapters.ledger.read()).map((entry) => entry.body.reason);
      expect(await reasons()).toContain('ramp_accepted');
      expect((await adapters.store.pending()).some(hasEffect('set_traffic'))).toBe(true);

      const next = await startBotProcess(env);
      try {
        const driver = processDriver(`${next.url}/slack/events`, standIn, adapters);
        await driver.waitForState((state) => state.trafficPct === 5, 30_000);
        expect((await reasons()).filter((reason) => reason === 'traffic_applied')).toHaveLength(1);
        expect((await reasons()).filter((reason) => reason === 'registry_write')).toHaveLength(1);
        // What traffic_applied itself asked for (the soak) is recorded with it and delivered just after.
        await expect.poll(() => adapters.store.pending(), { timeout: 20_000 }).toEqual([]);
      } finally {
        await next.kill('SIGKILL');
      }
    } finally {
      await first.kill('SIGKILL');
    }
  }, 120_000);
});
