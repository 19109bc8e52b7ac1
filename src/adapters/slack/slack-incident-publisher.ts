import { createHash, randomUUID } from 'node:crypto';
import type { IncidentNotifier } from '../../app/ports/incident-notifier.js';
import type { IncidentStore } from '../../app/ports/incident-store.js';
import { DRAWING, type MessageRefs } from '../../app/ports/message-refs.js';
import { mrkdwnOf } from './escape-text.js';
import type { SlackMessenger } from './slack-messenger.js';
import { incidentNotice } from './views/incident-notice.js';
import { textReply } from './views/replies.js';

/** Posts and keeps current the incident notices in the incident channel. */
export class SlackIncidentPublisher implements IncidentNotifier {
  readonly #token = randomUUID();

  constructor(
    private readonly deps: {
      messenger: SlackMessenger;
      incidents: Pick<IncidentStore, 'load'>;
      /** Records where the notice was posted (the composition root has transitionIncident do it). */
      noticePosted: (id: string, notice: { channel: string; ts: string }) => Promise<unknown>;
      refs: MessageRefs;
      channel: string;
      oncallGroup: string | undefined;
    },
  ) {}

  /**
   * Posts the notice once, now (a wait is the queue's to keep: this runs the page job); later calls
   * redraw it.
   */
  async page(id: string): Promise<void> {
    const incident = await this.#incident(id);
    if (!incident) return;
    if (incident.notice) return this.redraw(id);
    const { ts } = await this.deps.messenger.post(
      this.deps.channel,
      incidentNotice(incident, this.deps.oncallGroup),
      undefined,
      { id: `page-${id}` },
    );
    await this.deps.noticePosted(id, { channel: this.deps.channel, ts });
    // A change that landed while the notice was being posted shows on the next drawing.
    await this.redraw(id);
  }

  async redraw(id: string): Promise<void> {
    await this.deps.refs.markDirty(DRAWING.incident(id));
    await this.deps.refs.drawWhileDirty(DRAWING.incident(id), this.#token, async () => {
      const incident = await this.#incident(id);
      if (incident?.notice)
        await this.deps.messenger.update(
          incident.notice.channel,
          incident.notice.ts,
          incidentNotice(incident, this.deps.oncallGroup),
        );
    });
  }

  async followUp(id: string, text: string): Promise<void> {
    const incident = await this.#incident(id);
    if (!incident?.notice) return;
    // The follow-up names the people who acted on the incident by id: they show as mentions.
    const people = [incident.acknowledged?.by, incident.overridden?.by].filter((by) => by !== undefined);
    const deliveryId = `follow-up-${id}-${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
    await this.deps.messenger.post(
      incident.notice.channel,
      textReply(mrkdwnOf(text, people)),
      { ts: incident.notice.ts },
      { id: deliveryId },
    );
  }

  async #incident(id: string) {
    return (await this.deps.incidents.load(id)).incident;
  }
}
