import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/domain/incident.js';
import { pageActionsDue, pageSkipReason, pagesResponders } from '../../src/domain/page-action.js';
import { INCIDENT } from '../support/incident.js';

const ACKED: Incident = { ...INCIDENT, acknowledged: { by: 'U_SRE', at: '2026-11-24T04:01:00.000Z' } };
const RESOLVED: Incident = { ...INCIDENT, resolvedAt: '2026-11-24T04:05:00.000Z' };

describe('pagesResponders', () => {
  it.each([
    ['BLOCKER', true],
    ['CRITICAL', true],
    ['WARNING', false],
  ] as const)('%s pages beyond Slack: %s', (severity, pages) => {
    expect(pagesResponders(severity)).toBe(pages);
  });
});

describe('pageActionsDue', () => {
  it.each([
    ['an open incident', INCIDENT, ['trigger']],
    ['an acknowledged one', ACKED, ['trigger', 'acknowledge']],
    ['one resolved unacknowledged', RESOLVED, ['trigger', 'resolve']],
    [
      'one acknowledged and resolved',
      { ...ACKED, resolvedAt: RESOLVED.resolvedAt },
      ['trigger', 'acknowledge', 'resolve'],
    ],
    ['a CRITICAL one', { ...INCIDENT, severity: 'CRITICAL' }, ['trigger']],
    ['a WARNING one, acknowledged and resolved', { ...ACKED, severity: 'WARNING', resolvedAt: 'x' }, []],
  ] as Array<[string, Incident, string[]]>)(
    'gives %s the actions it reached, in order',
    (_, incident, due) => {
      expect(pageActionsDue(incident)).toEqual(due);
    },
  );
});

describe('pageSkipReason', () => {
  it.each([
    [null, 'trigger', 'incident_unknown'],
    [INCIDENT, 'trigger', undefined],
    [ACKED, 'acknowledge', undefined],
    [RESOLVED, 'trigger', 'resolved_before_paged'],
    [RESOLVED, 'acknowledge', undefined],
    [RESOLVED, 'resolve', undefined],
    [{ ...INCIDENT, severity: 'WARNING' }, 'trigger', 'not_paged'],
  ] as Array<[Incident | null, 'trigger' | 'acknowledge' | 'resolve', string | undefined]>)(
    'for %j and %s says %s',
    (incident, action, reason) => {
      expect(pageSkipReason(incident, action)).toBe(reason);
    },
  );
});
