import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../src/adapters/memory/memory-incident-store.js';
import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { pagingNotifier, sendPage } from '../../src/app/page-responders.js';
import type { IncidentNotifier } from '../../src/app/ports/incident-notifier.js';
import { transitionIncident } from '../../src/app/transition-incident.js';
import type { Incident } from '../../src/domain/incident.js';
import type { PageAction } from '../../src/domain/page-action.js';
import { POLICY, U_SRE } from '../domain/fixtures.js';
import { INCIDENT } from '../support/incident.js';

const NOW = new Date('2026-11-24T04:01:00.000Z');
const policy = { ...POLICY, permissions: { ...POLICY.permissions, acknowledge: ['sre_oncall'] } };

/** An incident store holding `incident`, a Slack notifier and a page queue that record what they got, in one log. */
async function world(incident: Incident = INCIDENT) {
  const deps = {
    ctx: { phase: 'M6', now: () => NOW },
    incidents: new MemoryIncidentStore(new MemoryLedger()),
  };
  await transitionIncident(deps, incident.id, { type: 'open_incident', incident });
  const log: string[] = [];
  const slack: IncidentNotifier = {
    page: async (id, waitMs) => void log.push(`slack page ${id} ${waitMs ?? 0}`),
    redraw: async (id) => void log.push(`slack redraw ${id}`),
    followUp: async (id, text) => void log.push(`slack follow-up ${id} ${text}`),
  };
  const queued = new Set<string>();
  const pages = {
    queue: async (id: string, action: PageAction) => {
      // As the real queue does: an action queued again adds nothing.
      if (queued.has(`${id} ${action}`)) return;
      queued.add(`${id} ${action}`);
      log.push(`pager ${action} ${id}`);
    },
  };
  return { deps, log, notifier: pagingNotifier(slack, { incidents: deps.incidents, pages }) };
}

describe('pagingNotifier', () => {
  it('tells Slack first, then queues the trigger, with the page wait left to Slack', async () => {
    const { log, notifier } = await world();
    await notifier.page(INCIDENT.id, 1_500);
    expect(log).toEqual([`slack page ${INCIDENT.id} 1500`, `pager trigger ${INCIDENT.id}`]);
  });

  it('queues the acknowledgement once the incident has one, and the resolution after it, each once', async () => {
    const { deps, log, notifier } = await world();
    await notifier.page(INCIDENT.id);
    await notifier.redraw(INCIDENT.id);
    await transitionIncident(deps, INCIDENT.id, { type: 'acknowledge', actor: U_SRE, policy });
    await notifier.redraw(INCIDENT.id);
    await transitionIncident(deps, INCIDENT.id, { type: 'resolve_incident' });
    await notifier.followUp(INCIDENT.id, 'resolved');
    await notifier.redraw(INCIDENT.id);
    await notifier.page(INCIDENT.id);
    expect(log.filter((line) => line.startsWith('pager'))).toEqual([
      `pager trigger ${INCIDENT.id}`,
      `pager acknowledge ${INCIDENT.id}`,
      `pager resolve ${INCIDENT.id}`,
    ]);
    expect(log).toContain(`slack follow-up ${INCIDENT.id} resolved`);
  });

  it('queues nothing for a WARNING incident, or for one that is not there', async () => {
    const { log, notifier } = await world({ ...INCIDENT, severity: 'WARNING' });
    await notifier.page(INCIDENT.id);
    await notifier.redraw('0123456789abcdef');
    expect(log).toEqual([`slack page ${INCIDENT.id} 0`, 'slack redraw 0123456789abcdef']);
  });
});

describe('sendPage', () => {
  async function sending(incident: Incident) {
    const { deps } = await world(incident);
    const sent: string[] = [];
    const pager = {
      send: async (paged: Incident, action: PageAction) => void sent.push(`${action} ${paged.id}`),
    };
    return {
      deps,
      sent,
      send: (id: string, action: PageAction) => sendPage({ incidents: deps.incidents, pager }, id, action),
    };
  }

  it('sends the action with the incident as stored now', async () => {
    const { sent, send } = await sending(INCIDENT);
    expect(await send(INCIDENT.id, 'trigger')).toBe('sent');
    expect(await send(INCIDENT.id, 'acknowledge')).toBe('sent');
    expect(sent).toEqual([`trigger ${INCIDENT.id}`, `acknowledge ${INCIDENT.id}`]);
  });

  it('skips a trigger whose incident resolved before it went out, but still sends the resolve', async () => {
    const { deps, sent, send } = await sending(INCIDENT);
    await transitionIncident(deps, INCIDENT.id, { type: 'resolve_incident' });
    expect(await send(INCIDENT.id, 'trigger')).toBe('resolved_before_paged');
    expect(await send(INCIDENT.id, 'resolve')).toBe('sent');
    expect(sent).toEqual([`resolve ${INCIDENT.id}`]);
  });

  it('sends nothing for an incident it cannot find', async () => {
    const { sent, send } = await sending(INCIDENT);
    expect(await send('0123456789abcdef', 'trigger')).toBe('incident_unknown');
    expect(sent).toEqual([]);
  });
});
