import type { Server } from 'node:http';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHttpServer } from '../../../src/adapters/http/http-server.js';
import { RedisRequestClaims } from '../../../src/adapters/redis/redis-request-claims.js';
import { ACTION } from '../../../src/adapters/slack/ids.js';
import { guardRequests } from '../../../src/adapters/slack/request-guard.js';
import { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { useTestRedis } from '../../support/redis.js';
import { textOf } from '../../support/slack-find.js';
import { PEOPLE, type SlackHarness, startSlackHarness } from '../../support/slack-harness.js';
import { buttonClick, commandFields, SIGNING_SECRET, signedHeaders } from '../../support/slack-requests.js';

const testRedis = useTestRedis();
let standIn: SlackApiStandIn;
let harness: SlackHarness;

beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
  harness = await startSlackHarness(standIn, testRedis());
});

afterEach(async () => {
  await harness.close();
  await standIn.stop();
});

const FORM = 'application/x-www-form-urlencoded';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** Sends a body with the headers given, as a captured request is sent again. */
async function send(body: string, headers: Record<string, string>) {
  const response = await fetch(harness.url, { method: 'POST', body, headers });
  return { status: response.status, body: await response.text() };
}

const reviewPosts = () =>
  standIn.calls.filter(
    (call) => call.method === 'chat.postMessage' && textOf(call).includes('Weekly governance review'),
  );

describe('signed requests', () => {
  it('accepts a signed request once and refuses the same request sent again', async () => {
    const body = form(commandFields('start', PEOPLE.releaseManager, standIn.responseUrl('first')));
    const headers = signedHeaders(body, FORM);
    expect((await send(body, headers)).status).toBe(200);
    await standIn.waitFor((call) => call.method === 'response_url' && call.args.id === 'first');
    const again = await send(body, headers);
    expect(again.status).toBe(401);
    expect(again.body).toContain('already received');
    const starts = (await harness.adapters.ledger.read()).filter(
      (entry) => entry.body.reason === 'rollout_started',
    );
    expect(starts).toHaveLength(1);
  });

  it('refuses the same request again with its signature header padded, which Bolt alone would verify', async () => {
    const body = form(commandFields('start', PEOPLE.releaseManager, standIn.responseUrl('padded')));
    const headers = signedHeaders(body, FORM);
    expect((await send(body, headers)).status).toBe(200);
    await standIn.waitFor((call) => call.method === 'response_url' && call.args.id === 'padded');
    const padded = { ...headers, 'x-slack-signature': `${headers['x-slack-signature']}=1` };
    expect((await send(body, padded)).status).toBe(401);
    const upper = { ...headers, 'x-slack-signature': String(headers['x-slack-signature']).toUpperCase() };
    expect((await send(body, upper)).status).toBe(401);
  });

  it('refuses a request signed more than five minutes ahead, and starts nothing', async () => {
    const body = form(commandFields('start', PEOPLE.releaseManager, standIn.responseUrl('future')));
    const yearAhead = Math.floor(Date.now() / 1000) + 365 * 86_400;
    const reply = await send(body, signedHeaders(body, FORM, { timestampSec: yearAhead }));
    expect(reply.status).toBe(401);
    expect(reply.body).toContain('ahead');
    expect((await harness.adapters.store.load('M6')).state).toBeNull();
    expect(await harness.adapters.ledger.read()).toEqual([]);
  });

  it('still accepts a request signed a minute ahead, inside the window', async () => {
    const body = form(commandFields('help', PEOPLE.releaseManager, standIn.responseUrl('ahead')));
    const minuteAhead = Math.floor(Date.now() / 1000) + 60;
    expect((await send(body, signedHeaders(body, FORM, { timestampSec: minuteAhead }))).status).toBe(200);
    await standIn.waitFor((call) => call.method === 'response_url' && call.args.id === 'ahead');
  });

  it('acknowledges a retried /mec review and posts the review once', async () => {
    const body = form(commandFields('review', PEOPLE.sre, standIn.responseUrl('review')));
    expect((await send(body, signedHeaders(body, FORM))).status).toBe(200);
    await expect.poll(() => reviewPosts().length).toBe(1);
    // Slack signs a retry afresh and says which attempt it is.
    const retry = await send(body, {
      ...signedHeaders(body, FORM, { timestampSec: Math.floor(Date.now() / 1000) + 1 }),
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    expect(retry.status).toBe(200);
    // A later command is answered, so the retry had its chance to post and did not.
    await harness.commandAndWait(PEOPLE.sre, 'help');
    expect(reviewPosts()).toHaveLength(1);
    const reviews = (await harness.adapters.ledger.read()).filter(
      (entry) => entry.body.reason === 'review_posted',
    );
    expect(reviews).toHaveLength(1);
  });

  it('acknowledges an event delivered again with the same event_id, and handles it once', async () => {
    const event = {
      type: 'event_callback',
      team_id: 'T0STANDIN',
      api_app_id: 'A0MECBOT',
      event_id: 'Ev0REPEATED1',
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_home_opened', user: PEOPLE.sre, tab: 'home' },
    };
    const body = JSON.stringify(event);
    expect((await send(body, signedHeaders(body, 'application/json'))).status).toBe(200);
    await standIn.waitFor((call) => call.method === 'views.publish');
    const retry = await send(body, {
      ...signedHeaders(body, 'application/json', { timestampSec: Math.floor(Date.now() / 1000) + 1 }),
      'x-slack-retry-num': '2',
      'x-slack-retry-reason': 'http_error',
    });
    expect(retry.status).toBe(200);
    await harness.commandAndWait(PEOPLE.sre, 'help');
    expect(standIn.calls.filter((call) => call.method === 'views.publish')).toHaveLength(1);
  });
});

describe('actor ids', () => {
  const click = (user: unknown) => {
    const fields = buttonClick(
      PEOPLE.releaseManager,
      ACTION.pause,
      JSON.stringify({ r: 'R1', v: 1 }),
      { channel: 'C0RELEASE01', ts: '1.1' },
      standIn.responseUrl('bad-click'),
    );
    const payload = JSON.parse(fields.payload);
    payload.user = { ...payload.user, id: user };
    return form({ payload: JSON.stringify(payload) });
  };

  it.each([
    ['an empty user id', ''],
    ['an object for a user id', { id: PEOPLE.releaseManager }],
    ['a user id not shaped like Slack’s', 'u0lowercase'],
    ['no user id', undefined],
  ])('answers a click with %s with a 400 and records nothing', async (_name, user) => {
    await harness.commandAndWait(PEOPLE.releaseManager, 'start');
    const before = (await harness.adapters.ledger.read()).length;
    const body = click(user);
    const reply = await send(body, signedHeaders(body, FORM));
    expect(reply.status).toBe(400);
    expect(reply.body).toContain('Slack user id');
    expect(await harness.adapters.ledger.read()).toHaveLength(before);
  });

  it('answers a command from an empty user id with a 400 and records nothing', async () => {
    const body = form({
      ...commandFields('pause', PEOPLE.releaseManager, standIn.responseUrl('x')),
      user_id: '',
    });
    const reply = await send(body, signedHeaders(body, FORM));
    expect(reply.status).toBe(400);
    expect(await harness.adapters.ledger.read()).toEqual([]);
  });
});

describe('guardRequests on its own', () => {
  it('refuses a replay without logging the signature or the secret, and passes the first on once', async () => {
    const { prefix, connect } = testRedis();
    const logged: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(line) });
    let handled = 0;
    const guarded = guardRequests(
      { signingSecret: SIGNING_SECRET, claims: new RedisRequestClaims(connect(), prefix), logger },
      (_request, response) => {
        handled += 1;
        response.writeHead(200).end();
      },
    );
    const server: Server = await startHttpServer(0, { 'POST /slack/events': guarded }, '127.0.0.1');
    try {
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/slack/events`;
      const body = form(commandFields('status', PEOPLE.sre, 'https://hooks.slack.test/r'));
      const headers = signedHeaders(body, FORM);
      const statuses: number[] = [];
      for (let n = 0; n < 3; n++) statuses.push((await fetch(url, { method: 'POST', body, headers })).status);
      expect(statuses).toEqual([200, 401, 401]);
      expect(handled).toBe(1);
      const replays = logged.filter((line) => line.includes('replayed Slack request refused'));
      expect(replays).toHaveLength(2);
      const signature = headers['x-slack-signature'].slice(3);
      for (const line of logged) {
        expect(line).not.toContain(signature);
        expect(line).not.toContain(SIGNING_SECRET);
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('lets Slack retry an event whose handling failed, and acknowledges the retry of one handled', async () => {
    const { prefix, connect } = testRedis();
    const logger = pino({ level: 'silent' });
    const answers = [500, 200];
    let handled = 0;
    const guarded = guardRequests(
      { signingSecret: SIGNING_SECRET, claims: new RedisRequestClaims(connect(), prefix), logger },
      (_request, response) => {
        handled += 1;
        response.writeHead(answers.shift() ?? 200).end();
      },
    );
    const server: Server = await startHttpServer(0, { 'POST /slack/events': guarded }, '127.0.0.1');
    try {
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/slack/events`;
      const body = JSON.stringify({
        type: 'event_callback',
        event_id: 'Ev0FAILEDONCE',
        event: { type: 'app_home_opened', user: PEOPLE.sre, tab: 'home' },
      });
      const delivery = async (retryNum?: number, timestampSec?: number) => {
        const headers = {
          ...signedHeaders(body, 'application/json', timestampSec === undefined ? {} : { timestampSec }),
          ...(retryNum
            ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_error' }
            : {}),
        };
        return (await fetch(url, { method: 'POST', body, headers })).status;
      };
      const now = Math.floor(Date.now() / 1000);
      expect(await delivery()).toBe(500);
      // Slack's retries are signed anew. The claim is given back as the failed answer's connection
      // closes; a retry after that is handled.
      let retries = 0;
      await expect
        .poll(
          async () => {
            retries += 1;
            expect(await delivery(1, now + retries)).toBe(200);
            return handled;
          },
          { timeout: 5_000 },
        )
        .toBe(2);
      expect(await delivery(2, now + retries + 1)).toBe(200);
      expect(handled).toBe(2);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
