import { describe, expect, it } from 'vitest';
import {
  availableButtons,
  type DashboardInput,
  progressBar,
  rolloutMessage,
  slackTime,
} from '../../../../src/adapters/slack/views/rollout-dashboard.js';
import type { RolloutEvent } from '../../../../src/domain/rollout-event.js';
import type { RolloutState } from '../../../../src/domain/rollout-state.js';
import {
  applyAll,
  completeState,
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
import { expectWithinLimits } from '../../../support/slack-limits.js';

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

const certifiedState = () =>
  applyAll(completeState(), [
    [{ type: 'certify', rolloutId: 'R1', artifactRoot: ROOT_A, registryRoot: 'c'.repeat(64) }, minutes(200)],
  ]);

type Tick = Extract<RolloutEvent, { type: 'watch_tick' }>;
const watchTick = (state: RolloutState, fields: Partial<Tick>): Tick => ({
  type: 'watch_tick',
  watch: 'soak',
  watchId: state.soak?.soakId ?? 'none',
  tripped: [],
  sourceDown: false,
  sourceErrors: 0,
  allRead: true,
  ...fields,
});

/** The 5% soak from T0+40m, blind at T0+62.5m. */
const blindSoak = (): RolloutState =>
  applyAll(readyState(), [
    [rampEvent(5), minutes(40)],
    [trafficDone(5), minutes(40)],
    [
      (state) =>
        watchTick(state, {
          finished: {
            passed: false,
            summary: 'read 20 of 30 evaluations by its latest end, 27 needed',
            blind: true,
          },
        }),
      minutes(62.5),
    ],
  ]);

const labels = (state: RolloutState, now?: Date) =>
  availableButtons(input(state, now)).map((button) => button.text.text);

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
    // To the second, in UTC, with the time left as drawn; the redraws once a minute move it.
    expect(text).toContain('5% soak ends 13:55:00 UTC, 7 min 0 s left');
    expect(text).toContain('drawn 13:48:00 UTC');
  });

  it('names the newest checkpoint beside the ledger head, or says the ledger is not checkpointed yet', () => {
    const root = Buffer.from('9f86d081884c'.padEnd(64, '0'), 'hex');
    const signed = { ...input(readyState()), checkpoint: { origin: 'mec.test/ledger', size: 11, root } };
    expect(JSON.stringify(rolloutMessage(signed).blocks)).toContain(
      'Ledger: #12 `cccccccccccc…` · checkpoint #11 `9f86d081884c…`',
    );
    expect(JSON.stringify(rolloutMessage(input(readyState())).blocks)).toContain(
      'Ledger: #12 `cccccccccccc…` · not checkpointed yet',
    );
    expectWithinLimits(rolloutMessage(signed));
  });

  it('says when a soak was extended to make up missed evaluations', () => {
    const extended = applyAll(readyState(), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
      [
        (state) =>
          watchTick(state, {
            extended: { endsAt: minutes(58).toISOString(), read: 20, planned: 30, needed: 27 },
          }),
        minutes(55),
      ],
    ]);
    const text = JSON.stringify(rolloutMessage(input(extended, minutes(56))).blocks);
    expect(text).toContain(
      '5% soak ends 13:58:00 UTC, 2 min 0 s left, extended to make up missed evaluations',
    );
  });

  it('shows a blind soak and its watch_blind gate, with the Override button', () => {
    const blind = blindSoak();
    const text = JSON.stringify(rolloutMessage(input(blind, minutes(63))).blocks);
    expect(text).toContain('5% soak blind: too few evaluations read');
    expect(text).toContain('CRITICAL gate open: watch_blind (the 5% soak is blind: read 20 of 30');
    expect(text).not.toContain('soak ends');
    expect(labels(blind, minutes(63))).toEqual(['Override watch_blind…', 'Pause', 'Roll back']);
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
      'complete, with a hand edit of the registry holding the certification',
      () =>
        applyAll(completeState(), [
          [{ type: 'registry_edited', fileRoot: 'e'.repeat(64), recordedRoot: 'c'.repeat(64) }, minutes(200)],
        ]),
      minutes(201),
      ['Override registry_tampered…'],
    ],
    ['complete and certified', () => certifiedState(), minutes(201), []],
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

  it('offers an Override for each of 40 open gates, and names each gate or counts those it cannot', () => {
    const state = readyState();
    state.gates = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [
        `gate_${i}`,
        {
          id: `gate_${i}`,
          source: 'alarm' as const,
          openedAt: minutes(1).toISOString(),
          summary: 'y'.repeat(500),
        },
      ]),
    );
    const drawn = rolloutMessage(input(state));
    expectWithinLimits(drawn);
    const buttons = drawn.blocks.flatMap((block) =>
      block.type === 'actions' ? (block.elements as Array<{ text: { text: string } }>) : [],
    );
    const text = JSON.stringify(drawn.blocks);
    const named = Object.keys(state.gates).filter((gate) => text.includes(`${gate} (`)).length;
    for (const gate of Object.keys(state.gates))
      expect(buttons.some((button) => button.text.text === `Override ${gate}…`)).toBe(true);
    expect(named).toBeGreaterThan(0);
    if (named < 40) expect(text).toContain(`and ${40 - named} more open gates`);
  });

  it('puts the drawn version and rollout id in every button, so stale clicks are recognised', () => {
    for (const button of availableButtons(input(readyState()))) {
      expect(JSON.parse(button.value ?? '')).toMatchObject({ r: 'R1', v: 7 });
    }
  });
});

describe('the traffic bar and the times', () => {
  it.each([
    [0, '░'.repeat(20)],
    [5, `█${'░'.repeat(19)}`],
    [60, `${'█'.repeat(12)}${'░'.repeat(8)}`],
    [100, '█'.repeat(20)],
  ])('draws %i%% as twenty cells', (trafficPct, cells) => {
    expect(progressBar(trafficPct)).toBe(`\`${cells}\` *${trafficPct}%*`);
  });

  it("gives Slack the epoch seconds to show in each reader's zone, with the UTC time as fallback", () => {
    expect(slackTime(minutes(55), minutes(48))).toBe(
      `<!date^${minutes(55).getTime() / 1000}^{date_short_pretty} {time}|13:55 UTC, in 7 minutes>`,
    );
  });
});
