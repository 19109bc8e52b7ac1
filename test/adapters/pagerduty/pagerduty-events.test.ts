import { describe, expect, it } from 'vitest';
import { PAGERDUTY_EVENTS_URL, PagerDutyEvents } from '../../../src/adapters/pagerduty/pagerduty-events.js';
import { errorCodeOf } from '../../../src/domain/errors.js';
import type { Incident } from '../../../src/domain/incident.js';
import { INCIDENT } from '../../support/incident.js';
import { eventProblems, startPagerDutyStandIn } from '../../support/pagerduty-stand-in.js';

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (error: Error) => ({ code: errorCodeOf(error), message: error.message }),
  );

async function pagerDuty() {
  const standIn = await startPagerDutyStandIn();
  const pager = new PagerDutyEvents({ routingKey: standIn.routingKey, url: standIn.url, timeoutMs: 2_000 });
  return { standIn, pager };
}

describe('PagerDutyEvents', () => {
  it('triggers with the incident id as dedup_key and a payload the Events API v2 takes', async () => {
    const { standIn, pager } = await pagerDuty();
    await pager.send({ ...INCIDENT, instances: ['web-0', 'web-1'] }, 'trigger');
    expect(standIn.requests.map((request) => request.status)).toEqual([202]);
    const [event] = standIn.accepted;
    expect(event).toMatchObject({
      routing_key: standIn.routingKey,
      event_action: 'trigger',
      dedup_key: INCIDENT.id,
      payload: {
        summary: 'BLOCKER latency_slo_drop in M6: p95 attainment fell',
        source: 'mec-bot/M6',
        severity: 'critical',
        timestamp: INCIDENT.receivedAt,
        component: 'latency_slo_drop',
        group: 'M6',
        custom_details: {
          incident: INCIDENT.id,
          value: 0.09,
          threshold: 'gt 0.05',
          rollback: 'rb-1',
          alerts: 2,
        },
      },
    });
  });

  it('maps CRITICAL to error, since production is unharmed while its gate holds', async () => {
    const { standIn, pager } = await pagerDuty();
    await pager.send({ ...INCIDENT, severity: 'CRITICAL' }, 'trigger');
    expect(standIn.accepted[0]?.payload?.severity).toBe('error');
  });

  it('acknowledges and resolves the same alert by its dedup_key, with no payload', async () => {
    const { standIn, pager } = await pagerDuty();
    for (const action of ['trigger', 'acknowledge', 'resolve'] as const) await pager.send(INCIDENT, action);
    expect(standIn.accepted.map((event) => [event.event_action, event.dedup_key])).toEqual([
      ['trigger', INCIDENT.id],
      ['acknowledge', INCIDENT.id],
      ['resolve', INCIDENT.id],
    ]);
    expect(standIn.accepted[1]).not.toHaveProperty('payload');
  });

  it('cuts a long summary to the 1024 characters PagerDuty allows', async () => {
    const { standIn, pager } = await pagerDuty();
    const long: Incident = { ...INCIDENT, summary: '🔥'.repeat(2_000) };
    await pager.send(long, 'trigger');
    const summary = String(standIn.accepted[0]?.payload?.summary);
    expect([...summary]).toHaveLength(1024);
    expect(summary.endsWith('…')).toBe(true);
  });

  it.each([
    [429, 'pager_rate_limited'],
    [500, 'pager_unreachable'],
    [503, 'pager_unreachable'],
  ])('reports a %i as %s, to be retried', async (status, code) => {
    const { standIn, pager } = await pagerDuty();
    standIn.failNext(status, 1);
    expect(await failure(pager.send(INCIDENT, 'trigger'))).toMatchObject({ code });
    expect(standIn.accepted).toEqual([]);
    await pager.send(INCIDENT, 'trigger');
    expect(standIn.accepted).toHaveLength(1);
  });

  it('reports PagerDuty down as pager_unreachable', async () => {
    const { standIn, pager } = await pagerDuty();
    await standIn.down();
    expect(await failure(pager.send(INCIDENT, 'trigger'))).toMatchObject({
      code: 'pager_unreachable',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('reports a refused event with what PagerDuty said, and never the routing key', async () => {
    const standIn = await startPagerDutyStandIn();
    const wrongKey = 'WRONGKEY0123456789abcdefABCDEF00';
    const pager = new PagerDutyEvents({ routingKey: wrongKey, url: standIn.url });
    const refused = await failure(pager.send(INCIDENT, 'trigger'));
    expect(refused).toMatchObject({
      code: 'pager_refused',
      message: expect.stringContaining("'routing_key' is not an integration key of this account"),
    });
    expect(refused.message).not.toContain(wrongKey);
    expect(standIn.requests.map((request) => request.status)).toEqual([400]);
  });

  it('refuses a URL with credentials in it, and defaults to PagerDuty', () => {
    expect(
      () => new PagerDutyEvents({ routingKey: 'k', url: 'https://user:pw@events.example/v2/enqueue' }),
    ).toThrow(/carries credentials/);
    expect(PAGERDUTY_EVENTS_URL).toBe('https://events.pagerduty.com/v2/enqueue');
  });
});

describe('the PagerDuty stand-in', () => {
  const KEY = 'R0UTINGKEY0123456789abcdefABCDEF';
  const trigger = { summary: 's', source: 'h', severity: 'critical' };
  it.each([
    ['a body that is no object', [], 'the body is not a JSON object'],
    [
      'a short routing key',
      { routing_key: 'abc', event_action: 'resolve', dedup_key: 'd' },
      "'routing_key' must be a 32-character integration key",
    ],
    [
      'an unknown action',
      { routing_key: KEY, event_action: 'snooze', dedup_key: 'd' },
      "'event_action' must be one of",
    ],
    [
      'an acknowledge without dedup_key',
      { routing_key: KEY, event_action: 'acknowledge' },
      "'dedup_key' is required for acknowledge",
    ],
    [
      'a resolve without dedup_key',
      { routing_key: KEY, event_action: 'resolve' },
      "'dedup_key' is required for resolve",
    ],
    [
      'a dedup_key over 255',
      { routing_key: KEY, event_action: 'resolve', dedup_key: 'd'.repeat(256) },
      "'dedup_key' must be",
    ],
    ['a trigger without payload', { routing_key: KEY, event_action: 'trigger' }, "'payload' is required"],
    [
      'a summary over 1024',
      { routing_key: KEY, event_action: 'trigger', payload: { ...trigger, summary: 's'.repeat(1025) } },
      "'payload.summary'",
    ],
    [
      'no source',
      { routing_key: KEY, event_action: 'trigger', payload: { ...trigger, source: undefined } },
      "'payload.source'",
    ],
    [
      'a severity of its own',
      { routing_key: KEY, event_action: 'trigger', payload: { ...trigger, severity: 'blocker' } },
      "'payload.severity'",
    ],
    [
      'a timestamp that is no ISO 8601',
      { routing_key: KEY, event_action: 'trigger', payload: { ...trigger, timestamp: 'Tuesday' } },
      "'payload.timestamp'",
    ],
    [
      'custom_details that are no object',
      { routing_key: KEY, event_action: 'trigger', payload: { ...trigger, custom_details: 'x' } },
      "'payload.custom_details'",
    ],
    [
      'an image over plain HTTP',
      { routing_key: KEY, event_action: 'trigger', payload: trigger, images: [{ src: 'http://x/i.png' }] },
      'HTTPS',
    ],
    [
      'a link without href',
      { routing_key: KEY, event_action: 'trigger', payload: trigger, links: [{ text: 't' }] },
      "'links[0].href'",
    ],
    [
      'a misspelt field',
      { routing_key: KEY, event_action: 'trigger', payload: trigger, dedupe_key: 'd' },
      "'dedupe_key' is not a field",
    ],
  ])('refuses %s', (_, event, problem) => {
    expect(eventProblems(event, KEY).join('\n')).toContain(problem);
  });

  it('takes a full trigger, and answers 400 with the Events API error body', async () => {
    const standIn = await startPagerDutyStandIn();
    const full = {
      routing_key: standIn.routingKey,
      event_action: 'trigger',
      payload: {
        ...trigger,
        timestamp: '2015-07-17T08:42:58.315+0000',
        component: 'c',
        group: 'g',
        class: 'k',
        custom_details: { a: 1 },
      },
      images: [{ src: 'https://example.com/i.png', href: 'https://example.com', alt: 'a' }],
      links: [{ href: 'https://example.com', text: 't' }],
      client: 'mec-bot',
      client_url: 'https://example.com',
    };
    expect(eventProblems(full, standIn.routingKey)).toEqual([]);
    const post = (body: string) =>
      fetch(standIn.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const taken = await post(JSON.stringify(full));
    expect(taken.status).toBe(202);
    const answer = (await taken.json()) as { status: string; message: string; dedup_key: string };
    expect(answer).toMatchObject({ status: 'success', message: 'Event processed' });
    // A trigger without a key gets one made up, as PagerDuty does.
    expect(answer.dedup_key).toMatch(/^[0-9a-f]{32}$/);
    const bad = await post('{"routing_key":');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      status: 'invalid event',
      message: expect.any(String),
      errors: [expect.any(String)],
    });
  });
});
