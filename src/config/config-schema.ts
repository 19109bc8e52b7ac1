import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { parseDurationMs } from '../domain/duration.js';
import { GOVERNED_ACTIONS } from '../domain/policy.js';
import { ledgerConfig } from './ledger-config.js';
import { SECRET_VARIABLES } from './secret-values.js';

/** The bot's own credentials: never handed to a child process, whatever the config says. */
const HELD_SECRETS = new Set<string>([...SECRET_VARIABLES, 'REDIS_URL']);

const ID = /^[a-z][a-z0-9_]*$/;
const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
const SLACK_CHANNEL = /^[CG][A-Z0-9]{2,}$/;

/** A duration written like `15m`, `30s`, `250ms` or `1h30m`, read as milliseconds. */
const duration = z.string().transform((text, ctx) => {
  const totalMs = parseDurationMs(text);
  if (totalMs === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a duration; write it like 15m, 30s, 250ms or 1h30m`,
    });
    return z.NEVER;
  }
  return totalMs;
});

/** A path inside the release workspace: relative, POSIX, never climbing out of it. */
export const workspacePath = z
  .string()
  .min(1)
  .refine(
    (path) =>
      !path.startsWith('/') &&
      !path.includes('\\') &&
      !path.split('/').some((part) => part === '..' || part === ''),
    {
      message: 'must be a relative POSIX path inside the workspace, without "..", "//" or a leading "/"',
    },
  );

const roleId = z.string().regex(ID, 'must be snake_case, like governance_lead');

const role = z.strictObject({
  id: roleId,
  name: z.string().trim().min(1),
  users: z.array(z.string().regex(SLACK_USER, 'must be a Slack user id, like U024BE7LH')).min(1),
});

const planStep = z.union([
  z.strictObject({ ramp: z.number().int().min(1).max(100) }),
  z.strictObject({
    /** How long traffic holds at the ramp before it, in milliseconds, while the alarms are watched. */
    soak: duration,
  }),
]);

const alarm = z.strictObject({
  /** Also the `mec_alarm` label and the gate id. */
  name: z.string().regex(ID, 'must be snake_case, like latency_slo_drop'),
  severity: z.enum(['BLOCKER', 'CRITICAL', 'WARNING']),
  comparator: z.enum(['gt', 'gte', 'lt', 'lte']),
  threshold: z.number().finite(),
  /** PromQL whose value is compared with the threshold. */
  query: z.string().trim().min(1),
  /**
   * How long the condition must hold before Prometheus fires, in milliseconds: the generated rule's
   * `for:`, also shown on the incident. The bot's own watch counts `metrics.breachesToTrip` instead.
   */
  window: duration,
  summary: z.string().trim().min(1).optional(),
  /** What a responder should do; defaults to what the bot does for the severity. */
  runbook: z.string().trim().min(1).optional(),
  /**
   * The page a responder opens from the alert: the rule pack's `runbook_url` annotation, which
   * Alertmanager's receivers and Grafana show as a link.
   */
  runbookUrl: z.url({
    protocol: /^https?$/,
    error: 'must be an http(s) URL of the runbook page for this alarm',
  }),
});

/** An external command: an argv list, never a shell line. */
const preflightCommand = z.strictObject({
  name: z.string().regex(ID, 'must be snake_case, like compliance_validator'),
  argv: z.array(z.string().min(1)).min(1),
  /** How long the command may run before it is killed and fails the check, in milliseconds. Default 30s. */
  timeout: duration.default(30_000),
  /**
   * Names of the bot's environment variables the command gets, beyond PATH and HOME, which it always
   * gets. Default none: nothing else of the bot's environment reaches the command.
   */
  env: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name, like CI_TOKEN')
        .refine(
          (name) => !HELD_SECRETS.has(name),
          "holds one of the bot's own secrets, which no pre-flight command is given; give the command a credential of its own",
        ),
    )
    .default([]),
});

const preflight = z.strictObject({
  commands: z.array(preflightCommand).default([]),
  checksums: z
    .array(
      z.strictObject({
        path: workspacePath,
        sha256Prefix: z.string().regex(/^[0-9a-f]{6,64}$/, 'must be 6 to 64 lowercase hex digits'),
      }),
    )
    .default([]),
  /** The determinism manifest and the previous phase's baseline it is diffed against. */
  determinism: z
    .strictObject({
      manifest: workspacePath,
      baseline: workspacePath,
      /** Components allowed to differ from the baseline; any other difference fails the check. */
      allowedChanges: z.array(z.string()).default([]),
    })
    .optional(),
  /** Roles whose members must be real, active Slack users. */
  contacts: z.array(roleId).default([]),
});

const metrics = z.strictObject({
  source: z.enum(['prometheus', 'sample']).default('sample'),
  // Credentials in the URL would travel into reports and job data; a proxy or header carries them instead.
  prometheusUrl: z
    .url({ protocol: /^https?$/ })
    .refine((url) => {
      const parsed = new URL(url);
      return parsed.username === '' && parsed.password === '';
    }, 'must not carry a user or password; put Prometheus behind an authenticating proxy on this host instead')
    .optional(),
  /** Time between two evaluations of the alarms in the smoke and in a soak, in milliseconds. Default 30s. */
  evaluationInterval: duration.default(30_000),
  /** Consecutive breaching evaluations that trip a BLOCKER. */
  breachesToTrip: z.number().int().min(1).default(2),
  /** Consecutive metrics-source errors that open a CRITICAL gate. */
  errorsToGate: z.number().int().min(1).default(3),
  /** How long one query may take before it counts as an error, in milliseconds. Default 5s. */
  queryTimeout: duration.default(5_000),
  /**
   * The share of its planned evaluations (duration / evaluationInterval) the smoke or a soak must read
   * to pass, more than 0 and at most 1. Default 0.9.
   */
  minCoverage: z
    .number({ error: 'must be a number above 0 and at most 1, like 0.9' })
    .gt(0, 'must be above 0: a watch that needs no evaluation proves nothing; write it like 0.9')
    .lte(1, 'must be at most 1 (every planned evaluation); write it like 0.9')
    .default(0.9),
  /**
   * How much longer than planned a watch short of minCoverage may run to read what it missed, as a share
   * of its duration (0.5: a 15m soak runs at most 7m30s longer); past it, it fails with the watch_blind
   * gate. 0 to 10, default 0.5.
   */
  maxExtension: z
    .number({ error: "must be a share of the watch's duration, like 0.5" })
    .min(0, "must be 0 (never extend) or more; it is a share of the watch's duration, like 0.5")
    .max(10, "must be at most 10 times the watch's duration; write it like 0.5")
    .default(0.5),
});

const traffic = z.strictObject({
  /** `file` writes meta_prod in the registry; `http` does that and POSTs the weight to `url`. */
  controller: z.enum(['file', 'http']).default('file'),
  url: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * How long the POST to `url` may take, in milliseconds; past it the traffic job fails and is retried.
   * Default 5s.
   */
  timeout: duration.default(5_000),
});

const incidents = z.strictObject({
  /**
   * How long a resolved incident's keys (the incident, its rollback index, its place in the recent list)
   * and an acted-on alert delivery are kept in Redis, in milliseconds. The ledger keeps its entries
   * regardless. Default 30d.
   */
  retention: duration.default(30 * 86_400_000),
});

/** When the weekly governance review is posted: a cron expression in a time zone. */
const review = z
  .strictObject({
    cron: z.string().default('0 9 * * 1'),
    timezone: z.string().default('UTC'),
  })
  .superRefine((value, ctx) => {
    try {
      CronExpressionParser.parse(value.cron, { tz: value.timezone });
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['cron'],
        message: `"${value.cron}" in ${value.timezone} is not a usable cron schedule (${(error as Error).message})`,
      });
    }
  });

const jobs = z.strictObject({
  /**
   * Messages posted to one Slack channel (chat.postMessage): at most one per this interval, across every
   * process, in milliseconds; 0 for no spacing. Updates, App Home and ephemerals are not spaced. Default 1s.
   */
  notifyInterval: duration.default(1_000),
  /**
   * How long a job's lock lasts, in milliseconds, and the lease of the traffic lock; both are renewed
   * while their work runs, so a worker that dies is noticed after about this long. Default 30s.
   */
  lockDuration: duration.default(30_000),
  /**
   * How long after an alert its incident's page may wait for the rollback to reach shadow, in
   * milliseconds; past it the page goes out saying the rollback is still running. Default 2s.
   */
  pageDeadline: duration.default(2_000),
  /**
   * Milliseconds between two rounds of re-delivering the outbox: the work of committed transitions that
   * did not reach the queues. Every process also delivers it once at start. Default 5s.
   */
  outboxInterval: duration.default(5_000),
  /**
   * Milliseconds between two redraws of the rollout message while a soak runs, so its countdown moves.
   * At most, and by default, 1m.
   */
  countdownInterval: duration
    .pipe(z.number().max(60_000, 'must be at most 1m, so a soak countdown moves every minute'))
    .optional(),
});

export const configSchema = z.strictObject({
  /** Goes into file paths and digests, so it is kept to letters, digits, dot, dash and underscore. */
  phase: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'must be like M6: letters, digits, ".", "-", "_"'),
  previousPhase: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/)
    .optional(),
  roles: z.array(role).min(1),
  approvals: z.strictObject({
    roles: z.array(roleId).min(1),
    /** How long an approval stays valid after it is signed, in milliseconds. */
    ttl: duration,
    allowSelfApproval: z.boolean().default(false),
  }),
  goNoGo: z.strictObject({ roles: z.array(roleId).min(1) }),
  permissions: z.partialRecord(z.enum(GOVERNED_ACTIONS), z.array(roleId)),
  plan: z.strictObject({
    autoAdvance: z.boolean().default(false),
    steps: z.array(planStep).min(1),
  }),
  smoke: z.strictObject({
    /** How long the shadow smoke watches the alarms before it passes, in milliseconds. */
    duration,
  }),
  artifacts: z.strictObject({ files: z.array(workspacePath).min(1) }),
  registry: z.strictObject({
    path: workspacePath.default('meta/meta_flags.json'),
    flag: z.string().min(1).default('meta_prod'),
  }),
  alarms: z.array(alarm),
  preflight: preflight.default({ commands: [], checksums: [], contacts: [] }),
  /** Files snapshotted before the rollout, and restored by a rollback. The registry is always among them. */
  backup: z.strictObject({ files: z.array(workspacePath).default([]) }).default({ files: [] }),
  metrics: metrics.default({
    source: 'sample',
    evaluationInterval: 30_000,
    breachesToTrip: 2,
    errorsToGate: 3,
    queryTimeout: 5_000,
    minCoverage: 0.9,
    maxExtension: 0.5,
  }),
  traffic: traffic.default({ controller: 'file', timeout: 5_000 }),
  jobs: jobs.default({
    notifyInterval: 1_000,
    lockDuration: 30_000,
    pageDeadline: 2_000,
    outboxInterval: 5_000,
  }),
  incidents: incidents.default({ retention: 30 * 86_400_000 }),
  review: review.default({ cron: '0 9 * * 1', timezone: 'UTC' }),
  ledger: ledgerConfig,
  channels: z.strictObject({
    release: z.string().regex(SLACK_CHANNEL, 'must be a Slack channel id, like C024BE91L'),
    incident: z.string().regex(SLACK_CHANNEL, 'must be a Slack channel id, like C024BE91L'),
    /** The on-call user group that incident notices mention. */
    oncallGroup: z
      .string()
      .regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id, like S0614TZR7')
      .optional(),
  }),
});

export type MecConfig = z.output<typeof configSchema>;
