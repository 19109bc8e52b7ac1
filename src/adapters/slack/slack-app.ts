import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { MecError } from '../../domain/errors.js';
import type { Logger } from '../../infra/logger.js';
import { boltLogger } from './bolt-logger.js';

export interface SlackCredentials {
  botToken: string;
  /** With it, the HTTP receiver verifies every request's signature. */
  signingSecret?: string;
  /** With it, Socket Mode instead of HTTP. */
  appToken?: string;
  /** Base URL of Slack's Web API, e.g. a local stand-in; Slack's own when unset. */
  apiUrl?: string;
}

export interface SlackApp {
  app: App;
  /** The HTTP receiver's request handler for POST /slack/events; absent in Socket Mode. */
  requestListener?: HTTPReceiver['requestListener'];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const EVENTS_PATH = '/slack/events';

/**
 * The Bolt app: the HTTP receiver (signature verification, `/slack/events`) unless an app token asks for
 * Socket Mode. Bolt's own Web API client talks to `apiUrl`.
 */
export function createSlackApp(credentials: SlackCredentials, logger: Logger): SlackApp {
  const log = boltLogger(logger, LogLevel.WARN);
  // Calls are bounded and a 429 comes back to the caller, whose queue waits out the Retry-After,
  // instead of the client sleeping through it while holding a draw lock.
  const clientOptions = {
    timeout: 10_000,
    retryConfig: { retries: 2 },
    rejectRateLimitedCalls: true,
    ...(credentials.apiUrl ? { slackApiUrl: credentials.apiUrl } : {}),
  };
  const appOn = (receiver: SocketModeReceiver | HTTPReceiver) =>
    new App({ token: credentials.botToken, receiver, logger: log, logLevel: LogLevel.WARN, clientOptions });
  if (credentials.appToken) {
    const receiver = new SocketModeReceiver({
      appToken: credentials.appToken,
      logger: log,
      installerOptions: { clientOptions },
    });
    const app = appOn(receiver);
    return {
      app,
      start: async () => {
        await app.start();
      },
      stop: async () => {
        await app.stop();
      },
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
  return {
    app,
    requestListener: receiver.requestListener,
    start: async () => undefined,
    stop: async () => undefined,
  };
}
