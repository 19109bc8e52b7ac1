import { randomUUID } from 'node:crypto';
import type { IncidentNotifier } from '../../app/receive-alerts.js';
import type { RedisIncidents } from '../redis/redis-incidents.js';
import type { RedisMessageRefs } from '../redis/redis-message-refs.js';
import { escapeSlackText } from './escape-text.js';
import type { SlackMessenger } from './slack-messenger.js';
import { incidentNotice } from './views/incident-notice.js';
import { textReply } from './views/replies.js';

export const incidentKey = (id: string) => `incident-${id}`;

/** Posts and keeps current the incident notices in the incident channel. */
export class SlackIncidentPublisher implements IncidentNotifier {
  readonly #token = randomUUID();

  constructor(
    private readonly deps: {
      messenger: SlackMessenger;
      incidents: RedisIncidents;
      refs: RedisMessageRefs;
      channel: string;
      oncallGroup: string | undefined;
    },
  ) {}

  /** Posts the notice once; later calls redraw it. */
  async page(id: string): Promise<void> {
    const incident = await this.deps.incidents.get(id);
    if (!incident) return;
    if (incident.notice) return this.redraw(id);
    const { ts } = await this.deps.messenger.post(
      this.deps.channel,
      incidentNotice(incident, this.deps.oncallGroup),
    );
    await this.deps.incidents.update(id, (current) => ({
      ...current,
      notice: { channel: this.deps.channel, ts },
    }));
    // A change that landed while the notice was being posted shows on the next drawing.
    await this.redraw(id);
  }

  async redraw(id: string): Promise<void> {
    await this.deps.refs.markDirty(incidentKey(id));
    await this.deps.refs.drawWhileDirty(incidentKey(id), this.#token, async () => {
      const incident = await this.deps.incidents.get(id);
      if (incident?.notice)
        await this.deps.messenger.update(
          incident.notice.channel,
          incident.notice.ts,
          incidentNotice(incident, this.deps.oncallGroup),
        );
    });
  }

  async followUp(id: string, text: string): Promise<void> {
    const incident = await this.deps.incidents.get(id);
    if (incident?.notice)
      await this.deps.messenger.post(incident.notice.channel, textReply(escapeSlackText(text)), {
        ts: incident.notice.ts,
      });
  }
}
