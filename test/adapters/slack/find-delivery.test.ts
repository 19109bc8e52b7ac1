import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DELIVERY_EVENT, findDelivery } from '../../../src/adapters/slack/find-delivery.js';
import { SlackApiStandIn, type StoredMessage } from '../../../src/sandbox/slack-api-stand-in.js';
import { webClientOn } from '../../support/web-client.js';

const C_RELEASE = 'C0RELEASE01';
const PARENT = '1700000000.000000';
let standIn: SlackApiStandIn;

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
});
afterEach(async () => {
  await standIn.stop();
});

/** Puts a message straight into the stand-in's channel, marked with `deliveryId` if given. */
function put(ts: string, options: { threadTs?: string; deliveryId?: string } = {}): void {
  const message: StoredMessage = {
    channel: C_RELEASE,
    ts,
    text: ts,
    blocks: [],
    user: 'U0MECBOT',
    postedAt: 0,
  };
  if (options.threadTs) message.threadTs = options.threadTs;
  if (options.deliveryId)
    message.metadata = { event_type: DELIVERY_EVENT, event_payload: { delivery_id: options.deliveryId } };
  standIn.messages.set(ts, message);
}

describe('findDelivery', () => {
  it('finds a reply by its delivery id past the first page of a long thread', async () => {
    put(PARENT);
    for (let n = 1; n <= 1_200; n += 1) put(`1700000000.${String(n).padStart(6, '0')}`, { threadTs: PARENT });
    put('1700000001.000000', { threadTs: PARENT, deliveryId: 'thread-42' });
    const client = webClientOn(standIn);
    expect(await findDelivery(client, C_RELEASE, PARENT, 'thread-42')).toBe('1700000001.000000');
    expect(standIn.callsOf('conversations.replies')).toHaveLength(2);
    expect(await findDelivery(client, C_RELEASE, PARENT, 'thread-43')).toBeUndefined();
  });

  it("finds a top-level post among the channel's newest messages, and not a reply with the same id", async () => {
    put(PARENT);
    put('1700000002.000000', { threadTs: PARENT, deliveryId: 'parent-r2' });
    const client = webClientOn(standIn);
    expect(await findDelivery(client, C_RELEASE, undefined, 'parent-r2')).toBeUndefined();
    put('1700000003.000000', { deliveryId: 'parent-r2' });
    expect(await findDelivery(client, C_RELEASE, undefined, 'parent-r2')).toBe('1700000003.000000');
  });
});
