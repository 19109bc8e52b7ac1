import { describe, expect, it } from 'vitest';
import { ACTION } from '../../../../src/adapters/slack/ids.js';
import type { Block, SlackMessage } from '../../../../src/adapters/slack/views/blocks.js';
import { approvalCard } from '../../../../src/adapters/slack/views/cards.js';
import { incidentNotice } from '../../../../src/adapters/slack/views/incident-notice.js';
import {
  availableButtons,
  type DashboardInput,
  rolloutMessage,
} from '../../../../src/adapters/slack/views/rollout-dashboard.js';
import { decide } from '../../../../src/domain/decide.js';
import type { Incident } from '../../../../src/domain/incident.js';
import type { RolloutState } from '../../../../src/domain/rollout-state.js';
import {
  applyAll,
  minutes,
  ROOT_A,
  rampEvent,
  readyState,
  smokedState,
  soakDone,
  trafficDone,
  U_GOV,
  U_SRE,
} from '../../../domain/fixtures.js';
import { INCIDENT } from '../../../support/incident.js';

const ALARMS = [
  { name: 'latency_slo_drop', severity: 'BLOCKER' },
  { name: 'determinism_variance', severity: 'CRITICAL' },
  { name: 'feature_drift', severity: 'WARNING' },
];

const input = (state: RolloutState, now = minutes(40)): DashboardInput => ({
  state,
  version: 7,
  now,
  artifactRoot: ROOT_A,
  ledgerHead: { seq: 12, hash: 'c'.repeat(64) },
  alarms: ALARMS,
});

const labels = (state: RolloutState, now?: Date) =>
  availableButtons(input(state, now)).map((button) => button.text.text);

function expectWithinLimits(message: SlackMessage): void {
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const block of message.blocks as Array<Block & { text?: { text: string } }>) {
    if (block.type === 'section') expect(block.text?.text.length).toBeLessThanOrEqual(3_000);
  }
}

describe('the rollout message', () => {
  it('draws the same blocks for the same state (snapshot)', () => {
    expect(rolloutMessage(input(readyState()))).toMatchSnapshot();
  });

  it('shows the seed checklist sections, the traffic bar and the soak countdown', () => {
    const soaking = applyAll(readyState(), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
    ]);
    const text = JSON.stringify(rolloutMessage(input(soaking, minutes(48))).blocks);
    for (const section of [
      '1. Pre-Flight Validation',
      '2. Observability & SLO Guardrails',
      '3. Deployment Sequencing',
      '4. Backup & Rollback Preparedness',
      '5. Approvals',
      '6. Merkle & Ledger Anchoring',
    ]) {
      expect(text).toContain(section);
    }
    expect(text).toContain('█░░░░░░░░░░░░░░░░░░░');
    // Slack shows the end in each reader's time zone; the fallback is what other clients show.
    expect(text).toMatch(
      /5% soak ends <!date\^\d+\^\{date_short_pretty\} \{time\}\|13:55 UTC, in 7 minutes>/,
    );
  });

  it.each([
    ['waiting for the go/no-go', () => smokedState(), minutes(40), ['Go', 'No-go', 'Pause']],
    ['ready for the first step', () => readyState(), minutes(40), ['Ramp to 5%', 'Pause']],
    [
      'waiting for approvals after the go',
      () =>
        applyAll(smokedState(), [
          [{ type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: true }, minutes(32)],
          [{ type: 'go_no_go', actor: U_SRE, roleId: 'sre_oncall', go: true }, minutes(32)],
        ]),
      minutes(40),
      ['Pause'],
    ],
    [
      'held by an open CRITICAL gate',
      () =>
        applyAll(readyState(), [
          [
            {
              type: 'alarm',
              alarm: 'determinism_variance',
              severity: 'CRITICAL',
              firing: true,
              summary: 'x',
            },
            minutes(39),
          ],
        ]),
      minutes(40),
      ['Override determinism_variance…', 'Pause'],
    ],
    [
      'soaking at 5%',
      () =>
        applyAll(readyState(), [
          [rampEvent(5), minutes(40)],
          [trafficDone(5), minutes(40)],
        ]),
      minutes(41),
      ['Pause', 'Roll back'],
    ],
    [
      'between steps',
      () =>
        applyAll(readyState(), [
          [rampEvent(5), minutes(40)],
          [trafficDone(5), minutes(40)],
          [soakDone(), minutes(55)],
        ]),
      minutes(56),
      ['Ramp to 25%', 'Pause', 'Roll back'],
    ],
    [
      'paused between steps',
      () =>
        applyAll(readyState(), [
          [rampEvent(5), minutes(40)],
          [trafficDone(5), minutes(40)],
          [soakDone(), minutes(55)],
          [{ type: 'pause', actor: U_SRE }, minutes(56)],
        ]),
      minutes(57),
      ['Resume', 'Roll back'],
    ],
    [
      'stopped',
      () =>
        applyAll(smokedState(), [
          [{ type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: false }, minutes(32)],
        ]),
      minutes(40),
      [],
    ],
  ] as Array<[string, () => RolloutState, Date, string[]]>)(
    'carries only the buttons that apply when %s',
    (_when, state, now, expected) => {
      expect(labels(state(), now)).toEqual(expected);
    },
  );

  it('stays within Slack limits however long the summaries grow', () => {
    const state = readyState();
    const long = 'x'.repeat(20_000);
    state.checks.preflight.summary = long;
    state.gates = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [
        `gate_${i}`,
        { id: `gate_${i}`, source: 'alarm' as const, openedAt: minutes(1).toISOString(), summary: long },
      ]),
    );
    expectWithinLimits(rolloutMessage(input(state)));
  });

  it('puts the drawn version and rollout id in every button, so stale clicks are recognised', () => {
    for (const button of availableButtons(input(readyState()))) {
      expect(JSON.parse(button.value ?? '')).toMatchObject({ r: 'R1', v: 7 });
    }
  });
});

describe('the approval card', () => {
  it('offers Approve for each role still waiting, Reject for every role, and an abbreviated digest for the approved', () => {
    const partly = applyAll(smokedState(), [
      [{ type: 'approve', actor: U_GOV, roleId: 'governance_lead', artifactRoot: ROOT_A }, minutes(33)],
    ]);
    const card = approvalCard(partly, ROOT_A, minutes(34));
    const buttons = card.blocks.flatMap((block) =>
      'elements' in block ? (block.elements as Array<{ action_id?: string }>) : [],
    );
    expect(buttons.filter((button) => button.action_id === ACTION.approve)).toHaveLength(3);
    // An approved role keeps its Reject button: a rejection voids every approval.
    expect(buttons.filter((button) => button.action_id === ACTION.reject)).toHaveLength(4);
    const digest = partly.approvals.governance_lead?.digest ?? '';
    const text = JSON.stringify(card.blocks);
    expect(text).toContain(`${digest.slice(0, 12)}…`);
    expect(text).not.toContain(digest);
    expectWithinLimits(card);
  });

  it('marks approvals bound to another artifact root as void', () => {
    const state = readyState();
    expect(JSON.stringify(approvalCard(state, 'f'.repeat(64), minutes(40)).blocks)).toContain(
      'stale root: approve again',
    );
    expect(decide(state, rampEvent(5, 'f'.repeat(64)), minutes(40)).reason).toBe('approval_stale_root');
  });
});

describe('the incident notice', () => {
  const { rollbackId: _, ...incident } = INCIDENT;
  const said = (value: Incident): string => JSON.stringify(incidentNotice(value, undefined).blocks);

  it('says a rollback is under way only when one was accepted', () => {
    expect(said({ ...incident, rollbackId: 'rb-1' })).toContain('Rolling back: traffic 25% → 0%');
    expect(said(incident)).toContain('No rollback was started');
    expect(said(incident)).not.toContain('Rolling back');
  });

  it('reports how long the rollback took once traffic is at shadow', () => {
    const done = { ...incident, rollbackId: 'rb-1', shadowAt: '2026-11-24T04:00:02.500Z' };
    expect(said(done)).toContain('Rolled back: traffic 25% → 0% (shadow), 2.5 s after the alert arrived');
  });

  it('says who overrode a CRITICAL gate and why, and offers no second override', () => {
    const critical: Incident = { ...incident, alarm: 'determinism_variance', severity: 'CRITICAL' };
    expect(said(critical)).toContain(ACTION.override);
    const overridden = {
      ...critical,
      overridden: { by: 'U_GOV', at: '2026-11-24T04:02:00.000Z', reason: 'GOV-42' },
    };
    expect(said(overridden)).toContain('Deployment gate overridden by <@U_GOV>: GOV-42');
    expect(said(overridden)).not.toContain(ACTION.override);
  });
});
