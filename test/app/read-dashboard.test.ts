import { describe, expect, it } from 'vitest';
import { readDashboard } from '../../src/app/read-dashboard.js';
import { apply } from '../../src/app/rollout-context.js';
import { transitionIncident } from '../../src/app/transition-incident.js';
import { minutes, ROOT_B, readyState } from '../domain/fixtures.js';
import { INCIDENT } from '../support/incident.js';
import { ALARMS, type UseCaseWorld, useCaseWorld } from '../support/use-case-world.js';

const read = (world: UseCaseWorld) =>
  readDashboard({ ...world.ctx, alarms: ALARMS, incidents: world.incidents });

describe('readDashboard', () => {
  it('reads the rollout, the artifact root, the ledger head, the alarms and the moment, fresh', async () => {
    const world = useCaseWorld();
    await world.seed(readyState());
    world.files.root = ROOT_B;
    world.at(minutes(40));
    const data = await read(world);
    expect(data).toMatchObject({
      phase: 'M6',
      state: readyState(),
      version: 1,
      artifactRoot: ROOT_B,
      ledgerHead: await world.ledger.head(),
      alarms: ALARMS,
      incidents: [],
      generatedAt: minutes(40),
    });
  });

  it('reads the newest signed checkpoint, asking for no entry in particular', async () => {
    const world = useCaseWorld();
    await world.seed(readyState());
    const checkpoint = { origin: 'mec.test/ledger', size: 1, root: Buffer.alloc(32, 9) };
    const asked: Array<number | undefined> = [];
    const checkpoints = {
      latest: async (seq?: number) => {
        asked.push(seq);
        return checkpoint;
      },
    };
    const data = await readDashboard({
      ...world.ctx,
      checkpoints,
      alarms: ALARMS,
      incidents: world.incidents,
    });
    expect(data.checkpoint).toBe(checkpoint);
    expect(asked).toEqual([undefined]);
    expect((await read(world)).checkpoint).toBeUndefined();
  });

  it('shows the newest 20 ledger entries and the newest 10 incidents', async () => {
    const world = useCaseWorld();
    await world.seed(readyState());
    for (let count = 0; count < 12; count += 1) {
      const incident = { ...INCIDENT, id: `inc-${count}` };
      await transitionIncident(world, incident.id, { type: 'open_incident', incident });
    }
    for (let count = 0; count < 12; count += 1) {
      await apply(world.ctx, {
        type: 'alarm',
        alarm: 'feature_drift',
        severity: 'WARNING',
        firing: true,
        summary: 'x',
      });
    }
    const data = await read(world);
    expect(data.ledgerHead.seq).toBe(25);
    expect(data.ledgerTail.map((entry) => entry.seq)).toEqual(
      Array.from({ length: 20 }, (_, index) => index + 6),
    );
    expect(data.incidents.map((incident) => incident.id)).toEqual(
      Array.from({ length: 10 }, (_, index) => `inc-${11 - index}`),
    );
  });

  it('still reads when the artifact files cannot be, and when there is no rollout', async () => {
    const world = useCaseWorld();
    world.files.unreadable = 'artifacts/mec/M6/determinism_manifest.json is missing';
    const data = await read(world);
    expect(data).toMatchObject({ state: null, version: 0, artifactRoot: undefined, ledgerTail: [] });
  });
});
