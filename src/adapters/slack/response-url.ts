import { type ClientRequest, Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { MecError } from '../../domain/errors.js';

/** How long one post to a response_url may take, in milliseconds. */
const POST_TIMEOUT_MS = 10_000;

/**
 * How long a connection may sit idle in the pool before it is closed, in milliseconds: shorter than the
 * keep-alive of the servers it talks to (Node's 5 s is the shortest common one), so the pool seldom
 * holds a connection the server has already dropped.
 */
const IDLE_MS = 4_000;

// Connections to Slack stay open between answers: Bolt's `respond` (axios) opens one per answer, on the
// loop that acks the next request. node:http, as undici's fetch costs more CPU per post than it saves.
// An agent's `timeout` is the idle time of a pooled socket; a post's own timeout replaces it while it runs.
const agents = {
  http: new HttpAgent({ keepAlive: true, timeout: IDLE_MS }),
  https: new HttpsAgent({ keepAlive: true, timeout: IDLE_MS }),
};

/** How a kept-alive connection the server closed while it sat in the pool fails a post written on it. */
const STALE_CODES = new Set(['ECONNRESET', 'EPIPE']);

/**
 * Posts a command's answer to its response_url. The URL is a credential for the conversation: no error
 * or log names it.
 */
export function postToResponseUrl(url: string, message: object): Promise<void> {
  const body = Buffer.from(JSON.stringify(message));
  // URL's own error would carry the response_url in its `input`.
  const target = URL.parse(url);
  if (!target)
    return Promise.reject(new MecError('response_url_refused', "a command's response_url is not a URL"));
  return post(target, body, 'pooled').then(async (sent) => {
    // The stale keep-alive race: the server closed the pooled connection as the post was written on it,
    // so it never read the post. Once more, on a new connection; a new connection that fails is an answer.
    if (sent === 'stale') await post(target, body, 'new');
  });
}

/**
 * One post; 'stale' when it went on a reused connection that failed before any byte of an answer, and
 * `connection` was 'pooled' (a new connection that fails so is refused like any other failure).
 */
function post(target: URL, body: Buffer, connection: 'pooled' | 'new'): Promise<'posted' | 'stale'> {
  const secure = target.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  const pool = secure ? agents.https : agents.http;
  return new Promise((resolve, reject) => {
    let answered = false;
    const outgoing: ClientRequest = send(
      target,
      {
        method: 'POST',
        agent: connection === 'pooled' ? pool : false,
        timeout: POST_TIMEOUT_MS,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (response) => {
        answered = true;
        // Read to the end, so the connection goes back to the pool.
        response.resume();
        response.once('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve('posted');
          reject(new MecError('response_url_refused', `Slack refused a command's answer: HTTP ${status}`));
        });
        // A connection cut mid-answer, or a timeout after the headers, ends with no 'end': without
        // this the post would wait for ever.
        response.once('error', () => undefined);
        response.once('close', () => {
          if (!response.complete)
            reject(new MecError('response_url_refused', "Slack's answer to a post was cut off"));
        });
      },
    );
    outgoing.once('timeout', () => outgoing.destroy());
    outgoing.once('error', (error: NodeJS.ErrnoException) => {
      if (!answered && outgoing.reusedSocket && STALE_CODES.has(error.code ?? '')) return resolve('stale');
      reject(
        new MecError(
          'response_url_refused',
          `a command's answer could not be posted: ${error.code ?? 'error'}`,
        ),
      );
    });
    outgoing.end(body);
  });
}
