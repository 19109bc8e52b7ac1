import { Agent, request } from 'node:http';
import { Redis } from 'ioredis';
import { benchBoltApp } from '../support/bench-bolt-app.js';

/**
 * The edge suite's floor: the least work a refused `/mec ramp 60` must do, on the bare app's Bolt and
 * receiver. Its listener acks, writes one ledger-sized entry to Redis (one round trip, as the refusal's
 * one commit is), and posts one answer to the command's response_url on a keep-alive agent (as the bot
 * posts). No gate, no state, no hashing: what it costs next to the bare app is what is achievable.
 * Env: SLACK_SIGNING_SECRET, REDIS_URL, FLOOR_KEY (the list the entries go to), PORT.
 */
const port = Number(process.env.PORT);
const redis = new Redis(process.env.REDIS_URL ?? '');
const ledgerKey = process.env.FLOOR_KEY ?? 'floor:ledger';
const agent = new Agent({ keepAlive: true });

const app = benchBoltApp('floor');

/**
 * One POST of the answer. A keep-alive connection the stand-in closed as idle (its 5 s timeout, between
 * runs) can fail as it is reused: that post goes once more, on a fresh connection.
 */
async function post(url: string, message: object): Promise<void> {
  try {
    await postOnce(url, message);
  } catch {
    await postOnce(url, message);
  }
}

function postOnce(url: string, message: object): Promise<void> {
  const body = Buffer.from(JSON.stringify(message));
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (response) => {
        response.resume();
        response.once('end', resolve);
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}

app.command('/mec', async ({ command, ack }) => {
  await ack();
  const entry = { actor: command.user_id, action: 'ramp', outcome: 'refused', text: command.text };
  await redis.rpush(ledgerKey, JSON.stringify(entry));
  await post(command.response_url, {
    response_type: 'ephemeral',
    replace_original: false,
    text: `Refused: ${command.text}`,
  });
});
await app.start(port);
process.once('SIGTERM', () => {
  app.stop().then(() => {
    redis.disconnect();
    process.exit(0);
  });
});
