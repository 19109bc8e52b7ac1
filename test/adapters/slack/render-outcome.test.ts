import { describe, expect, it } from 'vitest';
import {
  renderAcknowledgement,
  renderOutcome,
  renderTransition,
} from '../../../src/adapters/slack/render-outcome.js';
import type { SlackMessage } from '../../../src/adapters/slack/views/blocks.js';
import type { TransitionResult } from '../../../src/app/ports/transition-result.js';
import { decide } from '../../../src/domain/decide.js';
import type { RolloutEvent } from '../../../src/domain/rollout-event.js';
import {
  applyAll,
  minutes,
  rampEvent,
  readyState,
  trafficDone,
  U_OUT,
  U_SRE,
} from '../../domain/fixtures.js';
import { INCIDENT } from '../../support/incident.js';

const result = (event: RolloutEvent, state = readyState()): TransitionResult => ({
  ...decide(state, event, minutes(40)),
  version: 2,
});

const said = (message: SlackMessage) => message.text;

describe('renderTransition', () => {
  it.each([
    ['applied', { type: 'pause', actor: U_SRE }, /^✅ Rollout paused/],
    [
      'recorded',
      { type: 'alarm', alarm: 'feature_drift', severity: 'WARNING', firing: true, summary: 'x' },
      /^✅ WARNING/,
    ],
    [
      'a refusal to resume what is not paused, leading with what to do',
      { type: 'resume', actor: U_SRE },
      /^👉 \*Nothing to resume: the rollout is not paused\.\*\nRefused: the rollout is not paused\.$/,
    ],
    [
      'refused',
      { type: 'pause', actor: U_OUT },
      /^👉 \*Ask one of the people named below to do it.*\*\nRefused: U_OUTSIDER holds no role that may pause; it is granted to Release Manager \(<@U_RM>\) and SRE On-Call \(<@U_SRE>, <@U_SRE2>\)\./,
    ],
  ] as Array<[string, RolloutEvent, RegExp]>)('answers %s with what happened', (_what, event, expected) => {
    expect(renderTransition(result(event)).blocks[0]).toMatchObject({
      text: { text: expect.stringMatching(expected) },
    });
  });

  it('puts the reason code of a refusal in a context line under what to do', () => {
    const answer = renderTransition(result({ type: 'pause', actor: U_OUT }));
    expect(answer.blocks).toHaveLength(2);
    expect(answer.blocks[1]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: expect.stringMatching(/^Reason code: `[a-z_]+`$/) }],
    });
    expect(said(answer)).not.toMatch(/^Refused/);
  });

  it('says when there was nothing to do', () => {
    const paused = applyAll(readyState(), [[{ type: 'pause', actor: U_SRE }, minutes(40)]]);
    expect(said(renderTransition(result({ type: 'pause', actor: U_SRE }, paused)))).toBe(
      `Nothing to do: already paused by <@${U_SRE}>.`,
    );
  });

  it('says a lost race was not done, and what to do', () => {
    const lost: TransitionResult = {
      outcome: 'conflict',
      reason: 'conflict',
      message: 'look & try <again>',
      effects: [],
      version: 3,
    };
    expect(said(renderTransition(lost))).toBe('Not done: look &amp; try &lt;again&gt;');
  });
});

describe('renderOutcome', () => {
  it.each([
    ['help', { kind: 'help' }, 'mec-bot commands'],
    ['a posted card', { kind: 'card_posted' }, 'The approval card is posted in the release channel.'],
    ['a refusal, escaped', { kind: 'refused', message: 'No <rollout>' }, 'No &lt;rollout&gt;'],
    [
      'a stale drawing, leading with what to do',
      { kind: 'stale', state: null },
      'Use the buttons of the message as it is now: it has been redrawn. That message was out of date',
    ],
    [
      'a stale drawing',
      { kind: 'stale', state: null },
      'That message was out of date, so nothing was done. There is no rollout now.',
    ],
    [
      'a posted review, with its counts',
      { kind: 'review_posted', review: { warnings: [{}, {}], rollbacks: [{}], preventedIncidents: 1 } },
      '2 warnings, 1 rollbacks, 1 incidents prevented',
    ],
  ] as Array<[string, Parameters<typeof renderOutcome>[0], string]>)('answers %s', (_what, outcome, text) => {
    expect(said(renderOutcome(outcome))).toContain(text);
  });

  it('says what a rollback would move, and what the backup would restore, having changed nothing', () => {
    const live = applyAll(readyState(), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
    ]);
    const good = renderOutcome({
      kind: 'rollback_dry_run',
      state: live,
      backup: { ok: true, detail: 'checksums hold' },
    });
    expect(said(good)).toContain('Traffic would go from 5% to shadow (0%)');
    expect(said(good)).toContain('Backup: checksums hold.');
    const none = renderOutcome({
      kind: 'rollback_dry_run',
      state: null,
      backup: { ok: false, detail: 'no backup yet' },
    });
    expect(said(none)).toContain('Traffic is at shadow (0%): there is no traffic to move.');
    expect(said(none)).toContain('Backup problem: no backup yet. A rollback would still set shadow.');
  });
});

describe('renderAcknowledgement', () => {
  const incident = { ...INCIDENT, acknowledged: { by: U_SRE, at: '2026-11-24T04:01:00.000Z' } };

  it('tells a person who came second who was first', () => {
    const second = {
      outcome: 'noop',
      reason: 'duplicate',
      message: `Already acknowledged by ${U_SRE}.`,
      incident,
      version: 3,
    } as const;
    expect(said(renderAcknowledgement(second, U_OUT))).toBe(`Already acknowledged by <@${U_SRE}>.`);
  });

  it('answers a refusal with its reason code, and an unknown incident as an error', () => {
    const refused = {
      outcome: 'refused',
      reason: 'not_permitted',
      message: `${U_OUT} holds no role`,
      incident: null,
      version: 1,
    } as const;
    const answer = renderAcknowledgement(refused, U_OUT);
    expect(said(answer)).toMatch(/^Ask one of the people named below to do it/);
    expect(said(answer)).toContain(`Refused: <@${U_OUT}> holds no role`);
    expect(answer.blocks.at(-1)).toMatchObject({
      type: 'context',
      elements: [{ text: 'Reason code: `not_permitted`' }],
    });
    const unknown = {
      outcome: 'noop',
      reason: 'incident_unknown',
      message: 'not known',
      incident: null,
      version: 0,
    } as const;
    expect(renderAcknowledgement(unknown, U_OUT).blocks[0]).toMatchObject({ text: { text: '⚠️ not known' } });
  });
});
