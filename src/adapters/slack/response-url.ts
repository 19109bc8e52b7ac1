import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { MecError } from '../../domain/errors.js';

/** How long one post to a response_url may take, in milliseconds. */
const POST_TIMEOUT_MS = 10_000;

// Connections to Slack stay open between answers: Bolt's `respond` (axios) opens one per answer, on the
// loop that acks the next request. node:http, as undici's fetch costs more CPU per post than it saves.
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

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
  const secure = target.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      target,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        timeout: POST_TIMEOUT_MS,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (response) => {
        // Read to the end, so the connection goes back to the pool.
        response.resume();
        response.once('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve();
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
    outgoing.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new MecError(
          'response_url_refused',
          `a command's answer could not be posted: ${error.code ?? 'error'}`,
        ),
      ),
    );
    outgoing.end(body);
  });
}
