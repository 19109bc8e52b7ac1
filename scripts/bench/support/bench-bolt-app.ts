import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

/**
 * A Bolt app on the bot's receiver (HTTPReceiver, signature verified with the signing secret, ack
 * before processing) at the bot's path, for the edge suite's baselines. GET /readyz answers 200 once it
 * listens, for the bench's start-up wait. With the bot ids given and verification off, Bolt never
 * calls auth.test: the bot checks its token once at start, never per request, so no figure includes it.
 */
export function benchBoltApp(name: string): App {
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
  return new App({
    token: `xoxb-${name}-token`,
    botId: `B0${name.toUpperCase()}`,
    botUserId: `U0${name.toUpperCase()}`,
    tokenVerificationEnabled: false,
    // Never Slack's own API: a port nothing listens on, should Bolt ever call one.
    clientOptions: { slackApiUrl: 'http://127.0.0.1:9/api/' },
    receiver,
    logLevel: LogLevel.WARN,
  });
}
