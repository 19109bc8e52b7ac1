import { describe, expect, it } from 'vitest';
import { VERBS } from '../../src/adapters/slack/parse-command.js';
import type { Command } from '../../src/app/ports/command.js';
import type { RolloutClick } from '../../src/app/ports/rollout-actions.js';
import { transitionIncident } from '../../src/app/transition-incident.js';
import { rolloutActions } from '../../src/composition/rollout-actions.js';
import { readConfig } from '../../src/config/load-settings.js';
import { toPolicy } from '../../src/config/to-policy.js';
import { GOVERNED_ACTIONS, type GovernedAction, type RolloutPolicy } from '../../src/domain/policy.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import {
  applyAll,
  checkDone,
  minutes,
  POLICY,
  ROOT_A,
  rampEvent,
  readyState,
  smokedState,
  startEvent,
  T0,
  trafficDone,
  U_GOV,
  U_OUT,
  U_RM,
  U_SEC,
  U_SRE,
} from '../domain/fixtures.js';
import { INCIDENT } from '../support/incident.js';
import { useCaseWorld } from '../support/use-case-world.js';

async function actionsOn(state = readyState()) {
  const world = useCaseWorld();
  await world.seed(state);
  world.at(minutes(40));
  return { world, actions: rolloutActions(world.ctx, world.incidents, world.notifier) };
}

describe('rolloutActions', () => {
  it("carries the context's phase and policy, and runs commands on it", async () => {
    const { world, actions } = await actionsOn();
    expect([actions.phase, actions.policy]).toEqual(['M6', world.ctx.policy]);
    expect(await actions.runCommand({ verb: 'pause' }, U_SRE)).toMatchObject({
      result: { reason: 'paused' },
    });
  });

  it('sends each click to its own use case', async () => {
    const { world, actions } = await actionsOn(smokedState());
    const drawn = { rolloutId: 'R1', artifactRoot: ROOT_A, roleId: 'security_officer', nonce: 0 };
    expect(await actions.clickApprove(U_SEC, drawn)).toMatchObject({
      result: { reason: 'approval_recorded' },
    });
    expect(await actions.clickReject(U_SEC, drawn)).toMatchObject({ kind: 'ask_reason' });
    expect(await actions.submitRejection(U_SEC, drawn, 'CVE open')).toMatchObject({
      result: { reason: 'approval_rejected_recorded' },
    });
    expect(
      await actions.clickRolloutButton(
        U_SRE,
        // The rejection voided the approvals: the go/no-go card was drawn again with the next nonce.
        { rolloutId: 'R1', version: 0, nonce: 1 },
        { action: 'go_no_go', go: true },
      ),
    ).toMatchObject({ result: { reason: 'go_recorded' } });
    expect(world.reasons()).toEqual(['approval_recorded', 'approval_rejected_recorded', 'go_recorded']);
  });

  it('overrides a gate and acknowledges an incident for the person who asked', async () => {
    const { world, actions } = await actionsOn();
    expect(await actions.overrideGate(U_GOV, 'determinism_variance', 'x')).toMatchObject({
      reason: 'gate_not_open',
    });
    await transitionIncident(world, INCIDENT.id, { type: 'open_incident', incident: INCIDENT });
    expect(await actions.acknowledgeIncident(U_SRE, INCIDENT.id)).toMatchObject({
      reason: 'incident_acknowledged',
    });
    expect(await actions.acknowledgeIncident(U_OUT, INCIDENT.id)).toMatchObject({ reason: 'not_permitted' });
  });
});

/**
 * The authorization matrix: every verb and every button, tried by one holder of each role and by
 * someone holding none. Who may act comes from the example config (its roles, permissions, approvers
 * and go/no-go roles); the fixture people hold the config's roles. A refused attempt may be recorded,
 * but it changes no state, posts nothing and asks for no work.
 */
describe('the authorization matrix', async () => {
  const loaded = await readConfig('examples/m6/mec.config.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const { config } = loaded;
  const fromConfig = toPolicy(config);
  const FIXTURE_USERS: Record<string, readonly string[]> = Object.fromEntries(
    POLICY.roles.map((role) => [role.id, role.userIds]),
  );
  const policy: RolloutPolicy = {
    ...POLICY,
    roles: fromConfig.roles.map((role) => ({ ...role, userIds: FIXTURE_USERS[role.id] ?? [] })),
    permissions: fromConfig.permissions,
    approverRoleIds: fromConfig.approverRoleIds,
    goNoGoRoleIds: fromConfig.goNoGoRoleIds,
  };
  const PEOPLE = [
    ...config.roles.map((role) => [role.id, FIXTURE_USERS[role.id]?.[0] ?? '']),
    ['none', U_OUT],
  ];
  const holdersOf = (roleIds: readonly string[]) =>
    new Set(policy.roles.filter((role) => roleIds.includes(role.id)).flatMap((role) => role.userIds));
  const governed = new Set<GovernedAction>();
  const permitted = (action: GovernedAction) => {
    governed.add(action);
    return holdersOf(policy.permissions[action] ?? []);
  };
  const anyRole = holdersOf(policy.roles.map((role) => role.id));
  const everyone = new Set([...anyRole, U_OUT]);

  const failedPreflight = () =>
    applyAll(null, [
      [startEvent(policy), T0],
      [checkDone('preflight', false, 'a check failed'), minutes(0.5)],
    ]);
  const paused = () => applyAll(readyState(policy), [[{ type: 'pause', actor: U_RM }, minutes(34)]]);
  const live = () =>
    applyAll(readyState(policy), [
      [rampEvent(5), minutes(34)],
      [trafficDone(5), minutes(34)],
    ]);

  type Actions = ReturnType<typeof rolloutActions>;
  interface Cell {
    /** The state the attempt is made on. */
    seed: () => RolloutState | null;
    /** Who may do it. */
    allowed: Set<string>;
    run: (actions: Actions, user: string, version: number) => Promise<unknown>;
  }
  const command =
    (command: Command): Cell['run'] =>
    (actions, user) =>
      actions.runCommand(command, user);
  const click =
    (rolloutClick: RolloutClick): Cell['run'] =>
    (actions, user, version) =>
      actions.clickRolloutButton(user, { rolloutId: 'R1', version, nonce: 0 }, rolloutClick);

  const CELLS: Record<string, Cell> = {
    '/mec help': { seed: () => readyState(policy), allowed: everyone, run: command({ verb: 'help' }) },
    '/mec status': { seed: () => readyState(policy), allowed: everyone, run: command({ verb: 'status' }) },
    '/mec ledger': { seed: () => readyState(policy), allowed: everyone, run: command({ verb: 'ledger' }) },
    '/mec verify': { seed: () => readyState(policy), allowed: everyone, run: command({ verb: 'verify' }) },
    '/mec start': { seed: () => null, allowed: permitted('start'), run: command({ verb: 'start' }) },
    '/mec preflight': {
      seed: failedPreflight,
      allowed: permitted('run_check'),
      run: command({ verb: 'preflight' }),
    },
    '/mec smoke': {
      seed: () => ({
        ...smokedState(policy),
        checks: { ...smokedState(policy).checks, smoke: { status: 'failed' } },
      }),
      allowed: permitted('run_check'),
      run: command({ verb: 'smoke' }),
    },
    '/mec go': {
      seed: () => smokedState(policy),
      allowed: holdersOf(policy.goNoGoRoleIds),
      run: command({ verb: 'go' }),
    },
    '/mec nogo': {
      seed: () => smokedState(policy),
      allowed: holdersOf(policy.goNoGoRoleIds),
      run: command({ verb: 'nogo', reason: 'not yet' }),
    },
    '/mec approvals': {
      seed: () => smokedState(policy),
      allowed: anyRole,
      run: command({ verb: 'approvals' }),
    },
    '/mec review': { seed: () => readyState(policy), allowed: anyRole, run: command({ verb: 'review' }) },
    '/mec ramp 5': {
      seed: () => readyState(policy),
      allowed: permitted('ramp'),
      run: command({ verb: 'ramp', weightPct: 5, dryRun: false }),
    },
    '/mec pause': {
      seed: () => readyState(policy),
      allowed: permitted('pause'),
      run: command({ verb: 'pause' }),
    },
    '/mec resume': { seed: paused, allowed: permitted('resume'), run: command({ verb: 'resume' }) },
    '/mec rollback': {
      seed: live,
      allowed: permitted('rollback'),
      run: command({ verb: 'rollback', dryRun: false, reason: 'matrix' }),
    },
    '/mec abort': {
      seed: () => readyState(policy),
      allowed: permitted('abort'),
      run: command({ verb: 'abort', reason: 'matrix' }),
    },
    'Ramp button': {
      seed: () => readyState(policy),
      allowed: permitted('ramp'),
      run: click({ action: 'ramp', weightPct: 5 }),
    },
    'Pause button': {
      seed: () => readyState(policy),
      allowed: permitted('pause'),
      run: click({ action: 'pause' }),
    },
    'Resume button': { seed: paused, allowed: permitted('resume'), run: click({ action: 'resume' }) },
    'Roll back button': { seed: live, allowed: permitted('rollback'), run: click({ action: 'rollback' }) },
    'Run preflight again button': {
      seed: failedPreflight,
      allowed: permitted('run_check'),
      run: click({ action: 'retry_check', check: 'preflight' }),
    },
    'Go button': {
      seed: () => smokedState(policy),
      allowed: holdersOf(policy.goNoGoRoleIds),
      run: click({ action: 'go_no_go', go: true }),
    },
    'No-go button': {
      seed: () => smokedState(policy),
      allowed: holdersOf(policy.goNoGoRoleIds),
      run: click({ action: 'go_no_go', go: false }),
    },
    ...Object.fromEntries(
      policy.approverRoleIds.flatMap((roleId) => [
        [
          `Approve as ${roleId} button`,
          {
            seed: () => smokedState(policy),
            allowed: holdersOf([roleId]),
            run: (actions: Actions, user: string) =>
              actions.clickApprove(user, { rolloutId: 'R1', artifactRoot: ROOT_A, roleId, nonce: 0 }),
          },
        ],
        [
          `Reject for ${roleId} button`,
          {
            seed: () => readyState(policy),
            allowed: holdersOf([roleId]),
            run: (actions: Actions, user: string) => actions.clickReject(user, { rolloutId: 'R1', roleId }),
          },
        ],
      ]),
    ),
    'Override button': {
      seed: () => ({
        ...readyState(policy),
        gates: {
          determinism_variance: {
            id: 'determinism_variance',
            source: 'alarm' as const,
            openedAt: minutes(34).toISOString(),
            summary: 'CRITICAL determinism_variance',
          },
        },
      }),
      allowed: permitted('override'),
      run: (actions, user) => actions.overrideGate(user, 'determinism_variance', 'matrix'),
    },
    'Acknowledge button': {
      seed: () => readyState(policy),
      allowed: permitted('acknowledge'),
      run: (actions, user) => actions.acknowledgeIncident(user, INCIDENT.id),
    },
  };

  /** Whether an answer refuses the person for who they are, rather than for the state of things. */
  function refusedForWho(outcome: unknown): boolean {
    const answer = outcome as { kind?: string; result?: { outcome?: string; reason?: string } };
    if (answer.kind === 'refused') return true;
    const result = (answer.result ?? answer) as { outcome?: string; reason?: string };
    return result.outcome === 'refused' && ['not_permitted', 'not_role_member'].includes(result.reason ?? '');
  }

  /** Whether a permitted attempt did what was asked: a change applied, or the answer or modal given. */
  function tookEffect(outcome: unknown): boolean {
    const answer = outcome as { kind?: string; outcome?: string; result?: { outcome?: string } };
    if (answer.kind && !['transition', 'stale'].includes(answer.kind)) return true;
    return (answer.result ?? answer).outcome === 'applied';
  }

  const cases = Object.entries(CELLS).flatMap(([name, cell]) =>
    PEOPLE.map(([role, user]) => [name, role, user ?? '', cell] as const),
  );

  it('covers every verb of the grammar and every governed action', () => {
    const verbs = new Set(
      Object.keys(CELLS)
        .filter((name) => name.startsWith('/mec'))
        .map((name) => name.split(' ')[1]),
    );
    expect([...verbs].sort()).toEqual(Object.keys(VERBS).sort());
    expect([...governed].sort()).toEqual([...GOVERNED_ACTIONS].sort());
  });

  it.each(cases)('%s by %s', async (_name, _role, user, cell) => {
    const world = useCaseWorld();
    world.ctx.policy = policy;
    const seeded = cell.seed();
    if (seeded) await world.seed(seeded);
    world.at(minutes(40));
    await transitionIncident(world, INCIDENT.id, { type: 'open_incident', incident: INCIDENT });
    const actions = rolloutActions(world.ctx, world.incidents, world.notifier);
    const before = await world.store.load('M6');
    const incidentBefore = await world.incidents.load(INCIDENT.id);
    const entriesBefore = world.newEntries().length;
    const outcome = await cell.run(actions, user, before.version);
    if (cell.allowed.has(user)) {
      expect(refusedForWho(outcome), JSON.stringify(outcome)).toBe(false);
      expect(tookEffect(outcome), JSON.stringify(outcome)).toBe(true);
      return;
    }
    expect(refusedForWho(outcome), JSON.stringify(outcome)).toBe(true);
    const after = await world.store.load('M6');
    expect(after.state).toEqual(before.state);
    expect(await world.incidents.load(INCIDENT.id)).toEqual(incidentBefore);
    expect(
      world
        .newEntries()
        .slice(entriesBefore)
        .every((entry) => entry.body.outcome === 'refused'),
    ).toBe(true);
    expect(world.publisher.approvalCards).toEqual([]);
    expect(world.publisher.reviews).toEqual([]);
    expect(world.effects.effects).toEqual([]);
  });
});
