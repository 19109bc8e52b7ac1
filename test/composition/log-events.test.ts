import { describe, expect, it } from 'vitest';
import type { CommandOutcome, RolloutActions } from '../../src/app/ports/rollout-actions.js';
import type { TransitionResult } from '../../src/app/ports/transition-result.js';
import { logAlertsTaken, loggedActions, transitionLog } from '../../src/composition/log-events.js';
import { MecError } from '../../src/domain/errors.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { capturedLog } from '../support/captured-log.js';

const STATE = { rolloutId: 'M6-R1', trafficPct: 5 } as RolloutState;
const RAMPED = {
  outcome: 'applied',
  reason: 'ramp_started',
  message: 'ramping',
  state: STATE,
  effects: [],
  version: 4,
  entry: { seq: 12 },
} as unknown as TransitionResult;

/** Actions whose every call answers `outcome`, or throws `failure`. */
function actionsAnswering(outcome: unknown, failure?: Error): RolloutActions {
  const answer = async () => {
    if (failure) throw failure;
    return outcome;
  };
  return {
    phase: 'M6',
    policy: {} as RolloutActions['policy'],
    runCommand: answer,
    clickRolloutButton: answer,
    clickApprove: answer,
    clickReject: answer,
    submitRejection: answer,
    overrideGate: answer,
    acknowledgeIncident: answer,
  } as unknown as RolloutActions;
}

describe('loggedActions', () => {
  it('logs a command with who, what and what came of it, and not the reason typed', async () => {
    const { logger, lines } = capturedLog('info');
    const outcome: CommandOutcome = { kind: 'transition', result: RAMPED };
    const actions = loggedActions(actionsAnswering(outcome), logger);
    expect(await actions.runCommand({ verb: 'ramp', weightPct: 5, dryRun: false }, 'U_REL')).toBe(outcome);
    await actions.runCommand({ verb: 'pause', reason: 'pasted xoxb-secret-ish text' }, 'U_REL');
    await expect.poll(() => lines.length).toBe(2);
    expect(lines[0]).toMatchObject({
      msg: 'command',
      level: 30,
      user: 'U_REL',
      phase: 'M6',
      command: 'ramp',
      weightPct: 5,
      dryRun: false,
      outcome: 'applied',
      reason: 'ramp_started',
      rolloutId: 'M6-R1',
      seq: 12,
    });
    expect(JSON.stringify(lines[1])).not.toContain('pasted');
  });

  it('logs a click, and names an answer that is no transition by its kind', async () => {
    const { logger, lines } = capturedLog('info');
    const actions = loggedActions(actionsAnswering({ kind: 'stale', state: STATE }), logger);
    await actions.clickRolloutButton(
      'U_GOV',
      { rolloutId: 'M6-R1', version: 3 },
      { action: 'ramp', weightPct: 25 },
    );
    await expect.poll(() => lines.length).toBe(1);
    expect(lines[0]).toMatchObject({
      msg: 'click',
      user: 'U_GOV',
      action: 'ramp',
      weightPct: 25,
      drawnVersion: 3,
      outcome: 'stale',
      rolloutId: 'M6-R1',
    });
  });

  it('logs a failure with its code, and passes the failure on', async () => {
    const { logger, lines } = capturedLog('info');
    const failure = new MecError('redis_unreachable', 'down');
    const actions = loggedActions(actionsAnswering(undefined, failure), logger);
    await expect(actions.acknowledgeIncident('U_SRE', 'inc-1')).rejects.toBe(failure);
    await expect.poll(() => lines.length).toBe(1);
    expect(lines[0]).toMatchObject({
      msg: 'click',
      action: 'acknowledge',
      incidentId: 'inc-1',
      outcome: 'failed',
      code: 'redis_unreachable',
    });
  });
});

describe('transitionLog', () => {
  it('logs what committed at info and what changed nothing at debug', async () => {
    const { logger, lines } = capturedLog('debug');
    const hooks = transitionLog(logger);
    hooks.onTransition('M6', { type: 'pause', actor: 'U_REL' }, RAMPED);
    hooks.onTransition('M6', { type: 'pause', actor: 'U_REL' }, {
      ...RAMPED,
      outcome: 'noop',
    } as TransitionResult);
    hooks.onIncidentTransition(
      'inc-1',
      { type: 'acknowledge', actor: 'U_SRE' } as never,
      {
        outcome: 'applied',
        reason: 'incident_acknowledged',
        message: '',
        incident: { alarm: 'latency_slo_drop' },
        version: 2,
        entry: { seq: 13 },
      } as never,
    );
    await expect.poll(() => lines.length).toBe(3);
    expect(lines.map((line) => [line.msg, line.level, line.outcome])).toEqual([
      ['transition', 30, 'applied'],
      ['transition', 20, 'noop'],
      ['incident transition', 30, 'applied'],
    ]);
    expect(lines[0]).toMatchObject({
      phase: 'M6',
      event: 'pause',
      user: 'U_REL',
      rolloutId: 'M6-R1',
      seq: 12,
    });
    expect(lines[2]).toMatchObject({
      incidentId: 'inc-1',
      user: 'U_SRE',
      alarm: 'latency_slo_drop',
      seq: 13,
    });
  });
});

describe('logAlertsTaken', () => {
  it('logs one line per alert, with whether its batch was queued', async () => {
    const { logger, lines } = capturedLog('info');
    const alert = (instance: string) => ({
      status: 'firing' as const,
      labels: { mec_alarm: 'latency_slo_drop', severity: 'BLOCKER', mec_phase: 'M6', instance },
      annotations: {},
      startsAt: '2025-10-21T03:12:04Z',
      fingerprint: `fp-${instance}`,
    });
    const batch = { groupKey: 'g', alerts: [alert('a'), alert('b')] };
    logAlertsTaken(logger, batch, { batch: 'b1' });
    logAlertsTaken(logger, { groupKey: 'g', alerts: [alert('c')] }, { code: 'redis_unreachable' });
    await expect.poll(() => lines.length).toBe(3);
    expect(lines.map((line) => [line.instance, line.outcome, line.batch ?? line.code])).toEqual([
      ['a', 'queued', 'b1'],
      ['b', 'queued', 'b1'],
      ['c', 'not_queued', 'redis_unreachable'],
    ]);
    expect(lines[0]).toMatchObject({
      msg: 'alert',
      alarm: 'latency_slo_drop',
      severity: 'BLOCKER',
      status: 'firing',
    });
  });
});
