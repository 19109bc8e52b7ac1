import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/domain/canonical-json.js';
import type { LedgerBody, LedgerEntry } from '../../src/domain/ledger-entry.js';
import { trafficHistory } from '../../src/domain/traffic-history.js';
import { minutes } from './fixtures.js';

const snapshot = (trafficPct: number): JsonValue => ({
  rolloutId: 'R1',
  stage: 'x',
  status: 'live',
  trafficPct,
});

let seq = 0;
function entry(at: number, fields: Partial<LedgerBody>): LedgerEntry {
  seq += 1;
  const body: LedgerBody = {
    v: 1,
    at: minutes(at).toISOString(),
    phase: 'M6',
    rolloutId: 'R1',
    actor: 'mec-bot',
    action: 'traffic_applied',
    outcome: 'applied',
    reason: 'traffic_applied',
    before: null,
    after: null,
    detail: null,
    ...fields,
  };
  return { seq, prevHash: '0'.repeat(64), hash: String(seq).padStart(64, '0'), body };
}

const at = (minute: number) => minutes(minute).toISOString();

describe('trafficHistory', () => {
  it.each([
    ['no entries', [], []],
    [
      'a start, then each ramp that landed and the rollback that finished',
      [
        entry(0, { action: 'start', reason: 'rollout_started', after: snapshot(0) }),
        entry(40, { before: snapshot(0), after: snapshot(5) }),
        entry(56, { before: snapshot(5), after: snapshot(25) }),
        entry(60, {
          action: 'rollback',
          reason: 'rollback_finished',
          before: snapshot(25),
          after: snapshot(0),
        }),
      ],
      [
        { at: at(0), trafficPct: 0 },
        { at: at(40), trafficPct: 5 },
        { at: at(56), trafficPct: 25 },
        { at: at(60), trafficPct: 0 },
      ],
    ],
    [
      'entries that left traffic where it was, refusals, and other rollouts add no point',
      [
        entry(0, { action: 'start', after: snapshot(0) }),
        entry(10, { action: 'approve', before: snapshot(0), after: snapshot(0) }),
        entry(20, { outcome: 'refused', before: snapshot(0), after: snapshot(60) }),
        entry(30, { rolloutId: 'R2', before: snapshot(0), after: snapshot(100) }),
        entry(35, { rolloutId: null, action: 'registry_write', before: { flags: {} }, after: 'x' }),
        entry(40, { before: snapshot(0), after: snapshot(5) }),
      ],
      [
        { at: at(0), trafficPct: 0 },
        { at: at(40), trafficPct: 5 },
      ],
    ],
    [
      'a rollout whose start is older than the entries read starts where its first entry found it',
      [entry(70, { before: snapshot(25), after: snapshot(60) })],
      [
        { at: at(70), trafficPct: 25 },
        { at: at(70), trafficPct: 60 },
      ],
    ],
  ])('%s', (_name, entries, expected) => {
    expect(trafficHistory(entries, 'R1')).toEqual(expected);
  });
});
