import { describe, expect, it } from 'vitest';
import type { IncidentNotifier } from '../../../src/app/ports/incident-notifier.js';
import type { IncidentStore } from '../../../src/app/ports/incident-store.js';
import { transitionIncident } from '../../../src/app/transition-incident.js';
import type { IncidentEvent } from '../../../src/domain/incident-event.js';
import type { RecordedCall, SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { INCIDENT } from '../../support/incident.js';
import { latestDrawing, textOf } from '../../support/slack-find.js';

export interface IncidentNotifierAdapters {
  notifier: IncidentNotifier;
  /** Where the notifier's Slack calls land, through Bolt's client. */
  standIn: SlackApiStandIn;
  /** The store the notifier reads incidents from. */
  incidents: IncidentStore;
  incidentChannel: string;
  /** Resolves once everything asked for so far has reached Slack (at once, for a notifier that waits for Slack). */
  settled(): Promise<void>;
}

const AT = new Date('2026-11-24T04:00:01.000Z');

/** What every IncidentNotifier must do, run against each implementation. */
export function describeIncidentNotifierContract(
  name: string,
  make: () => Promise<IncidentNotifierAdapters>,
): void {
  describe(`${name}: the incident notifier contract`, () => {
    const decide = (adapters: IncidentNotifierAdapters, event: IncidentEvent) =>
      transitionIncident(
        { ctx: { phase: 'M6', now: () => AT }, incidents: adapters.incidents },
        INCIDENT.id,
        event,
      );
    const notices = (adapters: IncidentNotifierAdapters) =>
      adapters.standIn
        .callsOf('chat.postMessage')
        .filter(
          (call) => call.args.channel === adapters.incidentChannel && call.args.thread_ts === undefined,
        );
    const paged = async (adapters: IncidentNotifierAdapters) => {
      await decide(adapters, { type: 'open_incident', incident: INCIDENT });
      await adapters.notifier.page(INCIDENT.id);
      await adapters.settled();
      const [notice] = notices(adapters);
      if (!notice) throw new Error('the incident was not paged');
      return notice;
    };

    it('pages an incident with one notice in the incident channel, even when paged twice', async () => {
      const adapters = await make();
      await decide(adapters, { type: 'open_incident', incident: INCIDENT });
      await adapters.notifier.page(INCIDENT.id);
      await adapters.notifier.page(INCIDENT.id);
      await adapters.settled();
      const posted = notices(adapters);
      expect(posted).toHaveLength(1);
      expect(textOf(posted[0] as RecordedCall)).toContain('BLOCKER latency_slo_drop in M6');
      const { incident } = await adapters.incidents.load(INCIDENT.id);
      expect(incident?.notice).toEqual({ channel: adapters.incidentChannel, ts: posted[0]?.reply.ts });
    });

    it('redraws the notice from the stored incident', async () => {
      const adapters = await make();
      const notice = await paged(adapters);
      await decide(adapters, {
        type: 'shadow_reached',
        rollbackId: 'rb-1',
        shadowAt: '2026-11-24T04:00:12.300Z',
      });
      await adapters.notifier.redraw(INCIDENT.id);
      await adapters.settled();
      expect(textOf(latestDrawing(adapters.standIn, notice))).toContain('12.3 s after the alert arrived');
      expect(notices(adapters)).toHaveLength(1);
    });

    it("follows up in the notice's thread", async () => {
      const adapters = await make();
      const notice = await paged(adapters);
      await adapters.notifier.followUp(INCIDENT.id, 'Acknowledged by the SRE on call.');
      await adapters.settled();
      const replies = adapters.standIn
        .callsOf('chat.postMessage')
        .filter((call) => call.args.thread_ts === notice.reply.ts);
      expect(
        replies.map(textOf).filter((text) => text.includes('Acknowledged by the SRE on call.')),
      ).toHaveLength(1);
      expect(replies[0]?.args.channel).toBe(adapters.incidentChannel);
    });

    it('tells nothing of an incident that is not there', async () => {
      const adapters = await make();
      await adapters.notifier.page('inc-unknown');
      await adapters.notifier.redraw('inc-unknown');
      await adapters.notifier.followUp('inc-unknown', 'anyone?');
      await adapters.settled();
      expect(adapters.standIn.calls.filter((call) => call.method.startsWith('chat.'))).toEqual([]);
    });
  });
}
