import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer } from '../../src/adapters/http/http-server.js';
import { mrkdwnOf } from '../../src/adapters/slack/escape-text.js';
import { ACTION, REJECT_INPUT, VIEW } from '../../src/adapters/slack/ids.js';
import { renderOutcome, renderTransition } from '../../src/adapters/slack/render-outcome.js';
import { EVENTS_PATH } from '../../src/adapters/slack/slack-app.js';
import { describeEntry } from '../../src/adapters/slack/views/describe-entry.js';
import { homeView } from '../../src/adapters/slack/views/home-view.js';
import { incidentNotice } from '../../src/adapters/slack/views/incident-notice.js';
import { statusReply, textReply, verifyReply } from '../../src/adapters/slack/views/replies.js';
import { reviewDigest } from '../../src/adapters/slack/views/review-digest.js';
import { type DashboardInput, rolloutMessage } from '../../src/adapters/slack/views/rollout-dashboard.js';
import { ledgerBody } from '../../src/app/ledger-body.js';
import { readConfig } from '../../src/config/load-settings.js';
import { decide } from '../../src/domain/decide.js';
import { GENESIS_HASH } from '../../src/domain/ledger-entry.js';
import { evaluateRampGates } from '../../src/domain/ramp-gates.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { applyAll, minutes, ROOT_A, readyState, U_GOV, U_OUT, U_SEC } from '../domain/fixtures.js';
import { alertPayload, postAlert } from '../support/alertmanager.js';
import { launchChromium } from '../support/browser.js';
import { INCIDENT } from '../support/incident.js';
import {
  ALERT_TOKEN,
  holdingSoaks,
  type JobsHarness,
  startJobsHarness,
  toReady,
} from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { approvalCardPost, buttonForRole, latestDrawing, textOf, where } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';
import { buttonClick, postForm, viewSubmission } from '../support/slack-requests.js';

const testRedis = useTestRedis();

/** What a person types, with everything mrkdwn would act on. */
const TYPED = '<!channel> & <@U1> *x*';
/** The same, escaped for mrkdwn exactly once; it is also how Slack sends it in a slash command's text. */
const ESCAPED = '&lt;!channel&gt; &amp; &lt;@U1&gt; *x*';
/** As the sandbox shows it: Slack's escaping undone, the asterisks drawn as bold. */
const SHOWN = '<!channel> & <@U1> x';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** The bot with its workers, Slack played by a sandbox's stand-in, and the sandbox page served beside it. */
async function start(): Promise<{ harness: JobsHarness; sandbox: Sandbox; sandboxUrl: string }> {
  const loaded = await readConfig('examples/m6/mec.config.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const sandbox = new Sandbox(loaded.config);
  await sandbox.start();
  cleanups.push(() => sandbox.stop());
  const harness = await startJobsHarness(sandbox.standIn, testRedis(), { configure: holdingSoaks });
  cleanups.push(() => harness.close());
  const server: Server = await startHttpServer(
    0,
    sandbox.routes(new URL(EVENTS_PATH, harness.dashboardUrl).href),
    '127.0.0.1',
  );
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { harness, sandbox, sandboxUrl: `http://127.0.0.1:${port}/sandbox` };
}

async function launch(): Promise<Browser> {
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  return browser;
}

describe('text from people and from outside', () => {
  it('is kept as typed, escaped once for Slack, and shown as typed on the dashboard and in the sandbox', async () => {
    const { harness, sandbox, sandboxUrl } = await start();
    const slack = sandbox.standIn;
    const eventsUrl = new URL(EVENTS_PATH, harness.dashboardUrl).href;
    await toReady(harness, slack);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.soak?.status === 'running');

    // An alert annotation, from Alertmanager.
    const alert = alertPayload({ alarm: 'determinism_variance', severity: 'CRITICAL', summary: TYPED });
    expect((await postAlert(harness.webhookUrl, alert, ALERT_TOKEN)).status).toBe(200);
    await harness.waitForState((state) => Object.hasOwn(state.gates, 'determinism_variance'));

    // A reason typed into the Reject modal of the approval card.
    const card = latestDrawing(slack, await approvalCardPost(slack));
    const reject = buttonForRole(card, ACTION.reject, 'security_officer');
    await postForm(
      eventsUrl,
      buttonClick(PEOPLE.security, ACTION.reject, reject, where(card), slack.responseUrl('reject')),
    );
    const modal = await slack.waitFor((call) => call.method === 'views.open');
    const { private_metadata } = modal.args.view as { private_metadata: string };
    await postForm(
      eventsUrl,
      viewSubmission(PEOPLE.security, VIEW.rejectReason, private_metadata, {
        [REJECT_INPUT.block]: { [REJECT_INPUT.action]: { value: TYPED } },
      }),
    );
    const rejected = await slack.waitFor((call) => call.method === 'chat.postEphemeral');

    // A rollback reason, in a slash command's text as Slack sends it: & < > escaped.
    const rolledBack = await harness.command(PEOPLE.sre, `rollback ${ESCAPED}`);
    await harness.waitForState((state) => state.lock !== undefined);

    // The ledger holds what was typed.
    const ledger = await harness.adapters.ledger.read();
    const request = (action: string) =>
      ledger.findLast((entry) => entry.body.action === action)?.body.detail as {
        request: Record<string, unknown>;
        message: string;
      };
    expect(request('reject').request.reason).toBe(TYPED);
    expect(request('reject').message).toContain(TYPED);
    expect(request('alarm').request.summary).toBe(`${TYPED} (Alertmanager)`);
    expect(request('rollback').request.reason).toBe(TYPED);
    expect(request('rollback').message).toContain(TYPED);
    const state = await harness.state();
    expect(state?.rejection?.reason).toBe(TYPED);
    expect(state?.gates.determinism_variance?.summary).toBe(`${TYPED} (Alertmanager)`);
    expect(state?.lock?.reason).toBe(TYPED);
    expect(JSON.stringify(ledger)).not.toMatch(/&(?:lt|gt|amp);/);

    // What reached Slack has it escaped exactly once, for each of the three.
    const incidentNotice = await slack.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.channel === harness.config.channels.incident,
    );
    expect(textOf(incidentNotice)).toContain(ESCAPED);
    expect(textOf(rejected)).toContain(`rejected the release: ${ESCAPED}`);
    expect(textOf(rolledBack)).toContain(`shadow: ${ESCAPED}`);
    const dashboard = await slack.waitFor(
      (call) =>
        call.method === 'chat.update' && textOf(call).includes(`rejected by Security Officer: ${ESCAPED}`),
    );
    expect(textOf(dashboard)).toContain(`determinism_variance (${ESCAPED} (Alertmanager))`);
    const everything = JSON.stringify(slack.calls);
    expect(everything).not.toContain('&amp;lt;');
    expect(everything).not.toContain('&amp;amp;');
    expect(everything).not.toContain('<!channel>');
    expect(everything).not.toContain('<@U1>');

    const browser = await launch();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    // The dashboard shows it as typed.
    await page.goto(harness.dashboardUrl);
    expect(await page.locator('#overview').innerText()).toContain(`locked (${TYPED})`);
    expect(await page.locator('#approvals').innerText()).toContain(`Rejected by Security Officer: ${TYPED}`);
    expect(await page.locator('#alarms').innerText()).toContain(
      `determinism_variance: ${TYPED} (Alertmanager)`,
    );
    expect(await page.content()).not.toContain('&amp;lt;');

    // The sandbox undoes Slack's escaping once before escaping for HTML.
    await page.goto(sandboxUrl);
    await expect.poll(() => page.locator('#incident').innerText(), { timeout: 10_000 }).toContain(SHOWN);
    const release = await page.locator('#release').innerText();
    expect(release).toContain(`rejected by Security Officer: ${SHOWN}`);
    expect(release).toContain(`shadow: ${SHOWN}`);
    expect(release).not.toMatch(/&(?:lt|gt|amp);/);
    expect(await page.locator('#incident b', { hasText: /^x$/ }).count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  }, 60_000);
});

/** A ready rollout with everything people and alerts can put into it: a gate, a rejection, a check summary. */
function typedInto(): RolloutState {
  const state = applyAll(readyState(), [
    [
      { type: 'alarm', alarm: 'determinism_variance', severity: 'CRITICAL', firing: true, summary: TYPED },
      minutes(36),
    ],
    [{ type: 'reject', actor: U_SEC, roleId: 'security_officer', reason: TYPED }, minutes(37)],
  ]);
  state.checks.preflight.summary = TYPED;
  return state;
}

const dashboard = (): DashboardInput => ({
  state: typedInto(),
  version: 3,
  now: minutes(40),
  artifactRoot: ROOT_A,
  alarms: [{ name: 'determinism_variance', severity: 'CRITICAL' }],
});

const transition = (event: RolloutEvent) => ({ ...decide(typedInto(), event, minutes(40)), version: 4 });
const override = {
  type: 'override_gate',
  actor: U_GOV,
  gateId: 'determinism_variance',
  reason: TYPED,
} as const;
const outsider = { type: 'pause', actor: U_OUT, reason: TYPED } as const;

/** The thread reply for an event, told from the ledger entry its transition records. */
const threadReply = (event: RolloutEvent) => {
  const decision = decide(typedInto(), event, minutes(40));
  const body = ledgerBody('M6', event, typedInto(), decision, minutes(40));
  return textReply(
    describeEntry(
      { seq: 7, prevHash: GENESIS_HASH, hash: GENESIS_HASH, body },
      typedInto().policy,
      undefined,
    ),
  );
};

const count = (text: string, part: string) => text.split(part).length - 1;

describe('each Slack view', () => {
  it.each([
    ['the rollout message', () => rolloutMessage(dashboard()), 3],
    ['App Home', () => homeView(dashboard()), 3],
    ['the status reply', () => statusReply(dashboard()), 3],
    ['the incident notice', () => incidentNotice({ ...INCIDENT, summary: TYPED }, 'S0ONCALL'), 1],
    [
      'an overridden incident notice',
      () =>
        incidentNotice(
          {
            ...INCIDENT,
            severity: 'CRITICAL',
            overridden: { by: U_GOV, at: INCIDENT.receivedAt, reason: TYPED },
          },
          'S0ONCALL',
        ),
      2,
    ],
    [
      'the weekly review',
      () =>
        reviewDigest('M6', {
          from: minutes(0).toISOString(),
          to: minutes(60).toISOString(),
          warnings: [{ alarm: 'feature_drift', at: minutes(1).toISOString(), summary: TYPED }],
          rollbacks: [{ at: minutes(2).toISOString(), reason: TYPED, fromPct: 5 }],
          preventedIncidents: 0,
          gates: { opened: 1, closed: 0, overridden: 0 },
          approvals: { recorded: 4, rejected: 1 },
        }),
      2,
    ],
    // The gate's summary and the rejection's reason, each in the gate that holds.
    [
      'a dry run',
      () =>
        renderOutcome({
          kind: 'dry_run',
          weightPct: 5,
          results: evaluateRampGates(
            typedInto(),
            { actor: U_OUT, weightPct: 5, artifactRoot: ROOT_A },
            minutes(40),
          ),
          state: typedInto(),
          actor: U_OUT,
        }),
      2,
    ],
    ['the answer to a transition', () => renderTransition(transition(override)), 2],
    ['the thread reply for a transition', () => threadReply(override), 2],
    ['verify', () => verifyReply(false, [{ name: 'artifact root', ok: false, detail: TYPED }]), 1],
    [
      'a rollback dry run',
      () => renderOutcome({ kind: 'rollback_dry_run', state: null, backup: { ok: false, detail: TYPED } }),
      2,
    ],
  ] as const)('%s escapes text from people and alerts exactly once', (_view, draw, times) => {
    const drawn = JSON.stringify(draw());
    expect(count(drawn, ESCAPED)).toBe(times);
    expect(drawn).not.toContain('<!channel>');
    expect(drawn).not.toContain('<@U1>');
    expect(drawn).not.toContain('&amp;lt;');
  });

  it('shows the people a plain message names as mentions, and nothing a person typed', () => {
    expect(mrkdwnOf(`${U_GOV} said <!here> & left`, [U_GOV])).toBe(
      `<@${U_GOV}> said &lt;!here&gt; &amp; left`,
    );
    expect(JSON.stringify(renderTransition(transition(override)))).toContain(
      `overridden by <@${U_GOV}>: ${ESCAPED}`,
    );
    const refused = threadReply(outsider);
    expect(JSON.stringify(refused)).toContain(`<@${U_OUT}> holds no role that may pause`);
  });
});
