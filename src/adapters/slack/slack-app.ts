import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import type { RequestClaims } from '../../app/ports/request-claims.js';
import { MecError } from '../../domain/errors.js';
import { correlationId, newCorrelationId, withCorrelation } from '../../infra/correlation.js';
import type { Logger } from '../../infra/logger.js';
import { AckFirst } from './ack-first.js';
import { boltLogger } from './bolt-logger.js';
import { guardRequests } from './request-guard.js';
import { type SlackConnection, type StartBackoff, slackConnection } from './slack-connection.js';

export interface SlackCredentials {
  botToken: string;
  /** With it, the HTTP receiver verifies every request's signature. */
  signingSecret?: string;
  /** With it, Socket Mode instead of HTTP. */
  appToken?: string;
  /** Base URL of Slack's Web API, e.g. a local stand-in; Slack's own when unset. */
  apiUrl?: string;
  /** How long one Web API call may take before it counts as failed, in milliseconds; default 10 000. */
  callTimeoutMs?: number;
}

export interface SlackApp {
  app: App;
  /** The HTTP receiver's request handler for POST /slack/events; absent in Socket Mode. */
  requestListener?: HTTPReceiver['requestListener'];
  /** Connects in the background (see {@link slackConnection}); never throws, returns at once. */
  start(): void;
  /** For /readyz: whether Slack answered and Bolt is started, or why not yet. */
  status(): { ready: boolean; detail: string };
  stop(): Promise<void>;
  /**
   * For work after an ack: resolves once every request the HTTP receiver is reading has been
   * acknowledged, or after a short wait (see {@link AckFirst}); at once in Socket Mode.
   */
  afterAcks(): Promise<void>;
}

export const EVENTS_PATH = '/slack/events';

export interface SlackAppOptions {
  backoff?: StartBackoff;
  /** Where the HTTP receiver remembers signatures and handled requests, so none is processed twice. */
  claims?: RequestClaims;
}

/**
 * The Bolt app: the HTTP receiver (signature verification, `/slack/events`) unless an app token asks for
 * Socket Mode. Bolt's own Web API client talks to `apiUrl`.
 */
export function createSlackApp(
  credentials: SlackCredentials,
  logger: Logger,
  options: SlackAppOptions = {},
): SlackApp {
  const { backoff, claims } = options;
  const log = boltLogger(logger, LogLevel.WARN);
  // Calls are bounded and a 429 comes back to the caller, whose queue waits out the Retry-After,
  // instead of the client sleeping through it while holding a draw lock. The client never retries:
  // a post that timed out may have landed, and only the messenger can tell (see webApiMessenger).
  const clientOptions = {
    timeout: credentials.callTimeoutMs ?? 10_000,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    ...(credentials.apiUrl ? { slackApiUrl: credentials.apiUrl } : {}),
  };
  // Bolt calls auth.test in its constructor and nobody can catch its failure, which ends the process;
  // deferred, it runs in init(), which the connection retries.
  const appOn = (receiver: SocketModeReceiver | HTTPReceiver) => {
    const app = new App({
      token: credentials.botToken,
      receiver,
      logger: log,
      logLevel: LogLevel.WARN,
      clientOptions,
      deferInitialization: true,
      // Bolt's conversation store (context.conversation) is never read here; on by default it costs
      // every request a lookup on the loop that acks (about 7% of the web process's CPU under load).
      convoStore: false,
    });
    // A request over HTTP has its correlation id from the HTTP server; one over Socket Mode gets one here.
    app.use(async ({ next }) => {
      await (correlationId() === undefined ? withCorrelation(newCorrelationId(), next) : next());
    });
    return app;
  };
  // The start-up probe: one try per attempt, as the connection backs off itself, and quiet, as the
  // connection logs each kind of failure once instead of once per retry.
  const probe = new webApi.WebClient(credentials.botToken, {
    ...clientOptions,
    logger: boltLogger(logger, LogLevel.ERROR),
  });
  const connect = (app: App, started: () => Promise<void>): SlackConnection =>
    slackConnection(
      async () => {
        await probe.auth.test();
        await app.init();
        await started();
      },
      logger,
      backoff,
    );
  if (credentials.appToken) {
    const receiver = new SocketModeReceiver({
      appToken: credentials.appToken,
      logger: log,
      installerOptions: { clientOptions },
    });
    const app = appOn(receiver);
    let started = false;
    const connection = connect(app, async () => {
      await app.start();
      started = true;
    });
    return {
      app,
      start: connection.start,
      status: connection.status,
      stop: async () => {
        await connection.stop();
        if (started) await app.stop();
      },
      afterAcks: async () => undefined,
    };
  }
  if (!credentials.signingSecret)
    throw new MecError(
      'signing_secret_missing',
      'the HTTP receiver needs SLACK_SIGNING_SECRET; set it, or set SLACK_APP_TOKEN for Socket Mode',
    );
  const receiver = new HTTPReceiver({
    signingSecret: credentials.signingSecret,
    endpoints: EVENTS_PATH,
    logger: log,
    // Ack first: the HTTP response goes back as soon as a listener acknowledges, and work goes on after.
    processBeforeResponse: false,
  });
  const app = appOn(receiver);
  const connection = connect(app, async () => undefined);
  const acks = new AckFirst();
  const guarded = guardRequests(
    { signingSecret: credentials.signingSecret, logger, ...(claims ? { claims } : {}) },
    receiver.requestListener,
  );
  return {
    app,
    // A request before Bolt is initialized tries to connect at once; while Slack cannot be reached it
    // is answered 503, and Slack sends it again.
    requestListener: async (request, response) => {
      acks.track(response);
      if (await connection.ensure()) return guarded(request, response);
      response
        .writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' })
        .end(JSON.stringify({ error: 'mec-bot is not connected to Slack yet; Slack retries this request' }));
    },
    start: connection.start,
    status: connection.status,
    stop: connection.stop,
    afterAcks: () => acks.afterAcks(),
  };
}
