import { describe, expect, it } from 'vitest';
import type { WatchSampleLog } from '../../src/app/ports/watch-sample-log.js';
import { readDashboard } from '../../src/app/read-dashboard.js';
import { apply } from '../../src/app/rollout-context.js';
import { transitionIncident } from '../../src/app/transition-incident.js';
import { minutes, ROOT_A, ROOT_B, rampEvent, readyState } from '../domain/fixtures.js';
import { INCIDENT } from '../support/incident.js';
import { ALARMS, type UseCaseWorld, useCaseWorld } from '../support/use-case-world.js';

const NO_SAMPLES = { read: async () => [] };

const read = (world: UseCaseWorld, watchLog: Pick<WatchSampleLog, 'read'> = NO_SAMPLES) =>
  readDashboard({ ...world.ctx, alarms: ALARMS, incidents: world.incidents, watchLog });

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
      watchLog: NO_SAMPLES,
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
    expect(data).toMatchObject({
      state: null,
      version: 0,
      artifactRoot: undefined,
      ledgerTail: [],
      traffic: [],
      samples: [],
    });
  });

  it("draws the rollout's traffic from the ledger and reads its own watch samples", async () => {
    const world = useCaseWorld();
    await world.seed(readyState());
    world.files.root = ROOT_A;
    world.at(minutes(40));
    await apply(world.ctx, rampEvent(5));
    const rampId = (await world.store.load('M6')).state?.pendingRamp?.rampId ?? '';
    world.at(minutes(41));
    await apply(world.ctx, { type: 'traffic_applied', rampId, weightPct: 5 });
    const asked: string[] = [];
    const sample = {
      at: minutes(42).toISOString(),
      watch: 'soak' as const,
      values: { latency_slo_drop: 0.01 },
    };
    const data = await read(world, {
      read: async (rolloutId) => {
        asked.push(rolloutId);
        return [sample];
      },
    });
    expect(data.traffic.map(({ trafficPct }) => trafficPct)).toEqual([0, 5]);
    expect(data.traffic.at(-1)?.at).toBe(minutes(41).toISOString());
    expect(data.samples).toEqual([sample]);
    expect(asked).toEqual([readyState().rolloutId]);
  });
});
