import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

/**
 * The edge suite's baseline: a Bolt app with the bot's receiver (HTTPReceiver, signature verified with
 * the signing secret, ack before processing) on the same path, whose `/mec` listener only acks.
 * GET /readyz answers 200 once it listens, for the bench's start-up wait.
 */
const port = Number(process.env.PORT);
const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  endpoints: '/slack/events',
  processBeforeResponse: false,
  customRoutes: [
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_request, response) => {
        response.writeHead(200).end('ok');
      },
    },
  ],
});
// With the bot ids given and verification off, Bolt never calls auth.test: the bot checks its token
// once at start, never per request, so neither side's figure includes it.
const app = new App({
  token: 'xoxb-bare-token',
  botId: 'B0BARE',
  botUserId: 'U0BARE',
  tokenVerificationEnabled: false,
  // Never Slack's own API: a port nothing listens on, should Bolt ever call one.
  clientOptions: { slackApiUrl: 'http://127.0.0.1:9/api/' },
  receiver,
  logLevel: LogLevel.WARN,
});
app.command('/mec', async ({ ack }) => {
  await ack();
});
await app.start(port);
process.once('SIGTERM', () => {
  app.stop().then(() => process.exit(0));
});
