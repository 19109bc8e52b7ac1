import { z } from 'zod';
import { parseDurationMs } from '../domain/duration.js';
import { GOVERNED_ACTIONS } from '../domain/policy.js';

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
  z.strictObject({ soak: duration }),
]);

const alarm = z.strictObject({
  /** Also the `mec_alarm` label and the gate id. */
  name: z.string().regex(ID, 'must be snake_case, like latency_slo_drop'),
  severity: z.enum(['BLOCKER', 'CRITICAL', 'WARNING']),
  comparator: z.enum(['gt', 'gte', 'lt', 'lte']),
  threshold: z.number().finite(),
  /** PromQL whose value is compared with the threshold. */
  query: z.string().trim().min(1),
  window: duration,
  summary: z.string().trim().min(1).optional(),
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
    ttl: duration,
    allowSelfApproval: z.boolean().default(false),
  }),
  goNoGo: z.strictObject({ roles: z.array(roleId).min(1) }),
  permissions: z.partialRecord(z.enum(GOVERNED_ACTIONS), z.array(roleId)),
  plan: z.strictObject({
    autoAdvance: z.boolean().default(false),
    steps: z.array(planStep).min(1),
  }),
  smoke: z.strictObject({ duration }),
  artifacts: z.strictObject({ files: z.array(workspacePath).min(1) }),
  registry: z.strictObject({
    path: workspacePath.default('meta/meta_flags.json'),
    flag: z.string().min(1).default('meta_prod'),
  }),
  alarms: z.array(alarm),
  channels: z.strictObject({
    release: z.string().regex(SLACK_CHANNEL, 'must be a Slack channel id, like C024BE91L'),
    incident: z.string().regex(SLACK_CHANNEL, 'must be a Slack channel id, like C024BE91L'),
  }),
});

export interface ConfigIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * Checks that span fields: role references, the shape of the plan, unique names. They read the raw
 * document defensively, so they run, and report, even when some field failed its own validation.
 */
export function crossCheckConfig(raw: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const issue = (path: PropertyKey[], message: string) => issues.push({ path, message });
  const doc = (raw ?? {}) as Record<string, unknown>;
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const field = (value: unknown, key: string): unknown =>
    value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

  const roleIds = list(doc.roles).map((r) => field(r, 'id'));
  roleIds.forEach((id, index) => {
    if (typeof id === 'string' && roleIds.indexOf(id) !== index)
      issue(['roles', index, 'id'], `"${id}" is listed twice`);
  });
  const known = new Set(roleIds.filter((id): id is string => typeof id === 'string'));
  const checkRefs = (path: PropertyKey[], ids: unknown) =>
    list(ids).forEach((id, index) => {
      if (typeof id === 'string' && !known.has(id))
        issue([...path, index], `"${id}" is not one of the roles (${[...known].join(', ')})`);
    });
  checkRefs(['approvals', 'roles'], field(doc.approvals, 'roles'));
  checkRefs(['goNoGo', 'roles'], field(doc.goNoGo, 'roles'));
  if (doc.permissions && typeof doc.permissions === 'object') {
    for (const [action, ids] of Object.entries(doc.permissions)) checkRefs(['permissions', action], ids);
  }

  const steps = list(field(doc.plan, 'steps'));
  let lastWeight = 0;
  let lastKind: 'ramp' | 'soak' | undefined;
  steps.forEach((step, index) => {
    const weight = field(step, 'ramp');
    if (typeof weight === 'number') {
      if (weight <= lastWeight)
        issue(['plan', 'steps', index, 'ramp'], `must be above the ramp before it (${lastWeight}%)`);
      lastWeight = weight;
      lastKind = 'ramp';
    } else if (field(step, 'soak') !== undefined) {
      if (lastKind !== 'ramp') issue(['plan', 'steps', index], 'a soak must follow a ramp');
      lastKind = 'soak';
    }
  });
  if (steps.length > 0 && lastWeight !== 100)
    issue(['plan', 'steps'], `the last ramp must reach 100%, not ${lastWeight}%`);

  const alarmNames = list(doc.alarms).map((a) => field(a, 'name'));
  alarmNames.forEach((name, index) => {
    if (typeof name === 'string' && alarmNames.indexOf(name) !== index)
      issue(['alarms', index, 'name'], `"${name}" is listed twice`);
  });
  return issues;
}

export type MecConfig = z.output<typeof configSchema>;
export type AlarmConfig = MecConfig['alarms'][number];
