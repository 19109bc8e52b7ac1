import { describe, expect, it } from 'vitest';
import type { TrafficChange, TrafficController } from '../../../src/app/ports/traffic-controller.js';

/** One message as the flag system received it: what it says, and all of it as it came (for HTTP, the request). */
export interface ToldMessage {
  said: Record<string, unknown>;
  raw: string;
}

export interface TrafficControllerAdapters {
  controller: TrafficController;
  /** The probe into the flag system: what it serves now, the changes it counted, what it was told. */
  flagSystem: {
    /** The weight served now, in percent; undefined before any change. */
    served(): Promise<number | undefined>;
    /** The weights it changed to, in order: a message that changes nothing is not a change. */
    changes(): Promise<number[]>;
    /** Every message it received, in order, counted or not. */
    told(): Promise<ToldMessage[]>;
  };
  /** Each way this flag system can fail, by name; each lasts until `recover`. */
  failures: Record<string, () => void>;
  recover(): void;
}

const change = (weightPct: number, overrides: Partial<TrafficChange> = {}): TrafficChange => ({
  phase: 'M6',
  rolloutId: 'R1',
  actor: 'U_RM',
  weightPct,
  ...overrides,
});

// Anything credential-shaped: a Slack token, an auth header, a password or secret in a URL or body.
const SECRET_SHAPED = /xox[a-z]-|authorization|bearer|password|secret|token/i;

/** What every TrafficController must do, run against each implementation, the in-memory one included. */
export function describeTrafficControllerContract(
  name: string,
  make: () => TrafficControllerAdapters | Promise<TrafficControllerAdapters>,
): void {
  describe(`${name}: the traffic controller contract`, () => {
    it('has the flag system serve each weight it is set to, in turn', async () => {
      const { controller, flagSystem } = await make();
      await controller.setWeight(change(5));
      expect(await flagSystem.served()).toBe(5);
      await controller.setWeight(change(25));
      await controller.setWeight(change(0));
      expect(await flagSystem.served()).toBe(0);
      expect(await flagSystem.changes()).toEqual([5, 25, 0]);
    });

    it('takes the same weight twice, as a retried job asks, as one change', async () => {
      const { controller, flagSystem } = await make();
      await controller.setWeight(change(25));
      await controller.setWeight(change(25));
      expect(await flagSystem.served()).toBe(25);
      expect(await flagSystem.changes()).toEqual([25]);
      await controller.setWeight(change(60));
      await controller.setWeight(change(25));
      expect(await flagSystem.changes()).toEqual([25, 60, 25]);
    });

    it('tells the flag system the phase, the rollout and the weight, and nothing secret', async () => {
      const { controller, flagSystem } = await make();
      await controller.setWeight(change(60, { phase: 'M7', rolloutId: 'M7-r2', actor: 'U_SRE' }));
      const told = await flagSystem.told();
      expect(told.length).toBeGreaterThan(0);
      for (const message of told) {
        expect(message.said).toMatchObject({ phase: 'M7', rolloutId: 'M7-r2', weightPct: 60 });
        expect(message.raw).not.toMatch(SECRET_SHAPED);
      }
    });

    it('rejects, and changes nothing, whichever way the flag system fails; once it is back, a retry lands', async () => {
      const { controller, flagSystem, failures, recover } = await make();
      expect(Object.keys(failures).length).toBeGreaterThan(0);
      await controller.setWeight(change(5));
      for (const [failure, fail] of Object.entries(failures)) {
        fail();
        await expect(controller.setWeight(change(25)), failure).rejects.toThrow();
        expect(await flagSystem.served(), failure).toBe(5);
        recover();
      }
      await controller.setWeight(change(25));
      expect(await flagSystem.served()).toBe(25);
      expect(await flagSystem.changes()).toEqual([5, 25]);
    });
  });
}
