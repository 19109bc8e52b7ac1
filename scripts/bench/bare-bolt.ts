import { benchBoltApp } from './support/bench-bolt-app.js';

/**
 * The edge suite's baseline: a Bolt app with the bot's receiver on the same path, whose `/mec`
 * listener only acks.
 */
const port = Number(process.env.PORT);
const app = benchBoltApp('bare');
app.command('/mec', async ({ ack }) => {
  await ack();
});
await app.start(port);
process.once('SIGTERM', () => {
  app.stop().then(() => process.exit(0));
});
