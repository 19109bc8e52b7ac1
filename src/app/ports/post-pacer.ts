/** A post to a channel: a `card` is one someone may have to act on; a `note` only tells. */
export type PostKind = 'card' | 'note';

/**
 * Spaces the messages posted to each Slack channel, across every process: Slack takes about one
 * chat.postMessage a second per channel and tolerates short bursts, and that limit is per channel only.
 */
export interface PostPacer {
  /**
   * Takes a post from the channel's allowance: 0 when one was left and is now this caller's, else the
   * milliseconds until the next one comes (nothing is taken then). Notes leave part of the allowance
   * for cards, so a card does not wait behind the notes asked for before it.
   */
  take(channel: string, post: PostKind): Promise<number>;
}
