import { MecError } from '../../domain/errors.js';

/** How long one post to a response_url may take, in milliseconds. */
const POST_TIMEOUT_MS = 10_000;

/**
 * Posts a command's answer to its response_url. Node's fetch keeps connections to Slack alive between
 * answers, where Bolt's `respond` (axios) opens one per answer on the loop that acks the next request.
 * The URL is a credential for the conversation: no error or log names it.
 */
export async function postToResponseUrl(url: string, message: object): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
    signal: AbortSignal.timeout(POST_TIMEOUT_MS),
  });
  // Read to the end, so the connection goes back to the pool.
  await response.arrayBuffer();
  if (!response.ok)
    throw new MecError('response_url_refused', `Slack refused a command's answer: HTTP ${response.status}`);
}
