/**
 * Spaces the messages posted to each Slack channel, across every process: Slack takes about one
 * chat.postMessage a second per channel, and that limit is per channel only.
 */
export interface PostPacer {
  /**
   * Takes the channel's turn to post: 0 when it was free and is now this caller's, else the
   * milliseconds until it frees (nothing is taken then).
   */
  take(channel: string): Promise<number>;
  /** Starts the interval again once the post is answered, so the next one arrives a full interval later. */
  posted(channel: string): Promise<void>;
}
