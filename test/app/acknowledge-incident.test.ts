import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../src/adapters/memory/memory-incident-store.js';
import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { acknowledgeIncident } from '../../src/app/acknowledge-incident.js';
import { transitionIncident } from '../../src/app/transition-incident.js';
import { POLICY, U_PO, U_RM, U_SRE } from '../domain/fixtures.js';
import { INCIDENT } from '../support/incident.js';

const NOW = new Date('2026-11-24T04:01:00.000Z');

async function opened() {
  const ledger = new MemoryLedger();
  const redrawn: string[] = [];
  const deps = {
    ctx: {
      phase: 'M6',
      now: () => NOW,
      policy: {
        ...POLICY,
        permissions: { ...POLICY.permissions, acknowledge: ['sre_oncall', 'release_manager'] },
      },
    },
    incidents: new MemoryIncidentStore(ledger),
    notifier: { redraw: async (id: string) => void redrawn.push(id) },
  };
  await transitionIncident(deps, INCIDENT.id, { type: 'open_incident', incident: INCIDENT });
  return { deps, ledger, redrawn };
}

describe('acknowledgeIncident', () => {
  it('records the first acknowledgement and redraws the notice once', async () => {
    const { deps, ledger, redrawn } = await opened();
    expect(await acknowledgeIncident(deps, INCIDENT.id, U_SRE)).toMatchObject({
      outcome: 'applied',
      message: 'Acknowledged latency_slo_drop at 04:01:00 UTC.',
    });
    expect(await acknowledgeIncident(deps, INCIDENT.id, U_RM)).toMatchObject({
      outcome: 'noop',
      message: `Already acknowledged by ${U_SRE}.`,
    });
    expect(redrawn).toEqual([INCIDENT.id]);
    expect(ledger.entries.map((entry) => `${entry.body.actor}:${entry.body.reason}`)).toEqual([
      'mec-bot:incident_opened',
      `${U_SRE}:incident_acknowledged`,
    ]);
  });

  it('refuses and records someone not permitted, without redrawing', async () => {
    const { deps, ledger, redrawn } = await opened();
    expect(await acknowledgeIncident(deps, INCIDENT.id, U_PO)).toMatchObject({
      outcome: 'refused',
      reason: 'not_permitted',
    });
    expect(redrawn).toEqual([]);
    expect(ledger.entries.at(-1)?.body).toMatchObject({
      actor: U_PO,
      action: 'acknowledge',
      outcome: 'refused',
    });
    expect((await deps.incidents.load(INCIDENT.id)).incident?.acknowledged).toBeUndefined();
  });

  it('says when the incident is not known, recording nothing', async () => {
    const { deps, ledger, redrawn } = await opened();
    const count = ledger.entries.length;
    expect(await acknowledgeIncident(deps, '0123456789abcdef', U_SRE)).toMatchObject({
      outcome: 'noop',
      reason: 'incident_unknown',
    });
    expect(ledger.entries).toHaveLength(count);
    expect(redrawn).toEqual([]);
  });
});
