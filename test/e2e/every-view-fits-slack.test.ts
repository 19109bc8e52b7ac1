import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  approvalCard,
  goNoGoCard,
  overrideModal,
  rejectModal,
} from '../../src/adapters/slack/views/cards.js';
import { describeEntry } from '../../src/adapters/slack/views/describe-entry.js';
import { homeView } from '../../src/adapters/slack/views/home-view.js';
import { incidentNotice } from '../../src/adapters/slack/views/incident-notice.js';
import {
  dryRunReply,
  errorReply,
  helpReply,
  ledgerReply,
  staleReply,
  statusReply,
  textReply,
  verifyReply,
} from '../../src/adapters/slack/views/replies.js';
import { reviewDigest } from '../../src/adapters/slack/views/review-digest.js';
import { type DashboardInput, rolloutMessage } from '../../src/adapters/slack/views/rollout-dashboard.js';
import type { Incident } from '../../src/domain/incident.js';
import type { LedgerEntry } from '../../src/domain/ledger-entry.js';
import type { GateResult } from '../../src/domain/ramp-gates.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { payloadRefusal } from '../../src/sandbox/slack-payload-rules.js';
import { applyAll, minutes, POLICY, ROOT_A, smokedState } from '../domain/fixtures.js';

/**
 * Every message, card, modal and Home view the bot draws, rendered from long and hostile inputs, passes
 * the same rules the Slack stand-in applies (src/sandbox/slack-payload-rules.ts): Slack would take each.
 * Text people typed or alerts carried never turns into a broadcast or a mention.
 */

// mrkdwn and mention injection, and the characters Slack escapes.
const PIECES = ['<!channel>', '<!here>', '<@U0INJECT01>', '<#C0INJECT01>', '<http://x|y>', '*', '_', '~'];
const MORE = ['`', '&', '&amp;', '<', '>', '\n', ' ', 'é', '🚀', 'word', '<!subteam^S0INJECT>'];
const hostile = (maxLength: number) =>
  fc
    .oneof(
      fc.array(fc.constantFrom(...PIECES, ...MORE), { maxLength: 400 }).map((parts) => parts.join('')),
      fc.string({ maxLength }),
      fc.constantFrom('<!channel> *all* & <http://x|y> '.repeat(100), 'x'.repeat(maxLength)),
    )
    .map((text) => text.slice(0, maxLength) || '<!channel>');

const scenario = fc.record({
  reason: hostile(2_000),
  summary: hostile(2_000),
  roles: fc.integer({ min: 1, max: 30 }),
  approved: fc.integer({ min: 0, max: 30 }),
  gates: fc.integer({ min: 0, max: 30 }),
  alerts: fc.integer({ min: 0, max: 300 }),
  alertName: hostile(64),
  ledger: fc.integer({ min: 0, max: 500 }),
  page: fc.integer({ min: 1, max: 60 }),
  warnings: fc.integer({ min: 0, max: 300 }),
  rollbacks: fc.integer({ min: 0, max: 60 }),
  severity: fc.constantFrom('BLOCKER' as const, 'CRITICAL' as const),
  // The newest signed checkpoint, or none yet; and how far the mirror goes.
  checkpoint: fc.option(
    fc.record({
      origin: fc.constant('mec.test/ledger'),
      size: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
      root: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes)),
    }),
    { nil: undefined },
  ),
  mirror: fc.oneof(
    fc.constant({ status: 'absent' as const }),
    fc.record({
      status: fc.constantFrom('through' as const, 'behind' as const, 'diverged' as const),
      seq: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
    }),
  ),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

const NOW = minutes(40);

function stateOf(s: Scenario): RolloutState {
  const roles = Array.from({ length: s.roles }, (_, i) => ({
    id: `role_${i}`,
    name: `Approver role number ${i} *with* a long name`,
    userIds: [`U0ROLE${i}`],
  }));
  const policy = { ...POLICY, roles: [...POLICY.roles, ...roles], approverRoleIds: roles.map((r) => r.id) };
  const approvals = roles.slice(0, s.approved).map(
    (role) =>
      [
        {
          type: 'approve' as const,
          actor: role.userIds[0] as string,
          roleId: role.id,
          artifactRoot: ROOT_A,
        },
        minutes(33),
      ] as const,
  );
  const state = applyAll(smokedState(policy), approvals);
  const gates = Object.fromEntries(
    Array.from({ length: s.gates }, (_, i) => [
      `gate_${i}`,
      { id: `gate_${i}`, source: 'alarm' as const, openedAt: minutes(34).toISOString(), summary: s.summary },
    ]),
  );
  return {
    ...state,
    gates,
    rejection: { roleId: 'role_0', userId: 'U0ROLE0', at: minutes(35).toISOString(), reason: s.reason },
  };
}

function dashboard(s: Scenario): DashboardInput {
  return {
    state: stateOf(s),
    version: 7,
    now: NOW,
    artifactRoot: ROOT_A,
    ledgerHead: { seq: s.ledger, hash: 'c'.repeat(64) },
    ...(s.checkpoint ? { checkpoint: s.checkpoint } : {}),
    alarms: Array.from({ length: Math.min(s.alerts, 30) }, (_, i) => ({
      name: `alarm_${i}`,
      severity: 'CRITICAL',
    })),
  };
}

function incident(s: Scenario): Incident {
  const instances = Array.from({ length: s.alerts }, (_, i) => `${s.alertName}-${i}`);
  return {
    id: '0123456789abcdef',
    alarm: 'latency_slo_drop',
    severity: s.severity,
    phase: 'M6',
    summary: s.summary,
    value: 4.2,
    comparator: 'gt',
    threshold: 3,
    windowMs: 300_000,
    receivedAt: minutes(36).toISOString(),
    fromPct: 25,
    instances,
    resolvedInstances: instances.slice(0, Math.floor(instances.length / 2)),
    ...(s.severity === 'CRITICAL'
      ? { overridden: { by: 'U0ROLE1', at: minutes(37).toISOString(), reason: s.reason } }
      : { shadowAt: minutes(36.1).toISOString() }),
  };
}

function ledgerPage(s: Scenario) {
  const entries = Array.from({ length: s.ledger }, (_, i) => ({
    seq: i + 1,
    prevHash: 'a'.repeat(64),
    hash: 'b'.repeat(64),
    body: {
      at: minutes(i).toISOString(),
      action: s.alertName,
      outcome: 'refused',
      reason: s.summary,
      actor: 'U0ROLE0',
    },
  })) as unknown as LedgerEntry[];
  const pages = Math.max(1, Math.ceil(s.ledger / 10));
  const last = s.ledger - (s.page - 1) * 10;
  return ledgerReply(
    entries.filter((entry) => entry.seq <= last && entry.seq > last - 10),
    s.ledger,
    s.page,
    pages,
    { checkpoint: s.checkpoint, mirror: { path: '01-GOVERNANCE/META-GOVERNANCE-LOG.md', ...s.mirror } },
  );
}

function review(s: Scenario) {
  return reviewDigest('M6', {
    from: minutes(0).toISOString(),
    to: minutes(60 * 24 * 7).toISOString(),
    warnings: Array.from({ length: s.warnings }, (_, i) => ({
      alarm: `${s.alertName}_${i}`,
      at: minutes(i).toISOString(),
      summary: s.summary,
    })),
    rollbacks: Array.from({ length: s.rollbacks }, (_, i) => ({
      at: minutes(i).toISOString(),
      reason: s.reason,
      fromPct: 25,
    })),
    preventedIncidents: s.rollbacks,
    gates: { opened: s.gates, closed: 0, overridden: 1 },
    approvals: { recorded: s.approved, rejected: 1 },
  });
}

/** The messages whose user-supplied text must not become a mention or broadcast. */
function escapedMessages(s: Scenario) {
  const input = dashboard(s);
  const held: GateResult[] = [
    { gate: 'approvals', hold: { reason: 'approvals_missing', message: s.reason } },
    { gate: 'pause' },
  ];
  return {
    rolloutMessage: rolloutMessage(input),
    status: statusReply(input),
    approvalCard: approvalCard(input.state, ROOT_A, NOW),
    goNoGoCard: goNoGoCard(input.state, 7),
    incidentNotice: incidentNotice(incident(s), 'S0ONCALL'),
    reviewDigest: review(s),
    ledger: ledgerPage(s),
    dryRun: dryRunReply(25, held, ['U0ROLE0']),
    verify: verifyReply(false, [{ name: 'ledger chain', ok: false, detail: s.summary }]),
    stale: staleReply(input.state),
    threadReply: textReply(
      describeEntry(
        {
          seq: 12,
          prevHash: 'a'.repeat(64),
          hash: 'b'.repeat(64),
          body: {
            v: 1,
            at: NOW.toISOString(),
            phase: 'M6',
            rolloutId: 'R1',
            actor: 'U0ROLE0',
            action: 'reject',
            outcome: 'applied',
            reason: 'approval_rejected',
            before: null,
            after: null,
            detail: { message: s.reason, facts: { digest: 'd'.repeat(64) } },
          },
        },
        input.state.policy,
        s.checkpoint,
      ),
    ),
  };
}

const refusalOf = (method: string, args: Record<string, unknown>) => payloadRefusal(method, args);

describe('every view, with long and hostile inputs', () => {
  it('is a message, modal or Home tab Slack would take, and shows typed text as text', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const messages = {
          ...escapedMessages(s),
          help: helpReply(),
          error: errorReply(`That did not work: ${s.reason}`, 'ledger'),
          text: textReply(`Refused: ${s.reason}`),
          noRollout: statusReply(undefined),
        };
        for (const [name, drawn] of Object.entries(messages)) {
          expect(refusalOf('chat.postMessage', { channel: 'C0RELEASE01', ...drawn }), name).toBeUndefined();
          expect(refusalOf('response_url', { response_type: 'ephemeral', ...drawn }), name).toBeUndefined();
        }
        for (const [name, drawn] of Object.entries(escapedMessages(s))) {
          const json = JSON.stringify(drawn.blocks);
          for (const injected of [
            '<!channel>',
            '<!here>',
            '<@U0INJECT01>',
            '<http://x|y>',
            '<!subteam^S0INJECT>',
          ])
            expect(json.includes(injected), `${name} shows ${injected} as markup`).toBe(false);
        }
        const state = stateOf(s);
        const modals = {
          reject: rejectModal(state, {
            rolloutId: 'R1',
            roleId: 'role_0',
            artifactRoot: ROOT_A,
            channelId: 'C0RELEASE01',
          }),
          override: overrideModal(`gate_${s.gates}`, 'C0RELEASE01'),
        };
        for (const [name, view] of Object.entries(modals))
          expect(refusalOf('views.open', { trigger_id: 'trigger', view }), name).toBeUndefined();
        for (const view of [homeView(dashboard(s)), homeView(undefined)])
          expect(refusalOf('views.publish', { user_id: 'U0VIEWER01', view })).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });

  it('never hides items of a list: what is not shown is counted', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const digest = JSON.stringify(review(s).blocks);
        const shownWarnings = (digest.match(/• \d{4}-\d\d-\d\d \d\d:\d\d UTC \*/g) ?? []).length;
        if (shownWarnings < s.warnings)
          expect(digest).toContain(`and ${s.warnings - shownWarnings} more warnings`);
        const notice = JSON.stringify(incidentNotice(incident(s), undefined).blocks);
        if (s.alerts > 10) expect(notice).toContain(`and ${s.alerts - 10} more`);
        const card = approvalCard(stateOf(s), ROOT_A, NOW);
        const roles = new Set(
          card.blocks
            .flatMap((block) =>
              block.type === 'actions' ? (block.elements as Array<{ value?: string }>) : [],
            )
            .map((button) => (JSON.parse(button.value ?? '{}') as { role?: string }).role),
        );
        expect([...roles].sort()).toEqual(Array.from({ length: s.roles }, (_, i) => `role_${i}`).sort());
        const parent = rolloutMessage(dashboard(s)).blocks.flatMap((block) =>
          block.type === 'actions' ? (block.elements as Array<{ text: { text: string } }>) : [],
        );
        for (let i = 0; i < s.gates; i += 1)
          expect(parent.some((button) => button.text.text === `Override gate_${i}…`)).toBe(true);
        if (s.page < Math.ceil(s.ledger / 10))
          expect(JSON.stringify(ledgerPage(s).blocks)).toContain('for older');
      }),
      { numRuns: 60 },
    );
  });
});
