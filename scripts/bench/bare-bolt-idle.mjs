// The footprint baseline: a bare Bolt app whose one slash command only acks, on its HTTP receiver, run
// by plain node as dist/main.js is (no loader, which would add its own memory and start-up). It answers
// GET /readyz once it listens, so the bench times its spawn → listening as it times the bot's /readyz.
import bolt from '@slack/bolt';

const { App, HTTPReceiver, LogLevel } = bolt;
const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? 'bench-signing-secret',
  logLevel: LogLevel.ERROR,
  customRoutes: [
    { path: '/readyz', method: 'GET', handler: (_request, response) => response.writeHead(200).end('ok') },
  ],
});
const app = new App({
  token: process.env.SLACK_BOT_TOKEN ?? 'xoxb-bench',
  receiver,
  logLevel: LogLevel.ERROR,
  ...(process.env.SLACK_API_URL ? { clientOptions: { slackApiUrl: process.env.SLACK_API_URL } } : {}),
});
app.command('/mec', async ({ ack }) => {
  await ack();
});
await app.start(Number(process.env.PORT ?? 3000));
for (const signal of ['SIGTERM', 'SIGINT'])
  process.once(signal, () => app.stop().then(() => process.exit(0)));
