import { describe, expect, it } from 'vitest';
import { actorOf } from '../../src/domain/rollout-event.js';
import { U_SRE } from './fixtures.js';

describe('actorOf', () => {
  it("names the person for a person's request, and the system actor for the bot's own report", () => {
    expect(actorOf({ type: 'pause', actor: U_SRE }, 'mec-bot')).toBe(U_SRE);
    expect(actorOf({ type: 'traffic_applied', rampId: 'R1.2', weightPct: 5 }, 'mec-bot')).toBe('mec-bot');
  });
});
