/** One load run, as the edge suite asks the load generator for it over IPC. */
export interface LoadJob {
  url: string;
  signingSecret: string;
  /** The form bodies to send, each unique (the bot refuses a replayed signature). */
  bodies: string[];
  /** closed: `inFlight` requests outstanding at all times; open: `ratePerSec` sent on schedule. */
  mode: 'closed' | 'open';
  inFlight?: number;
  ratePerSec?: number;
}

/** What the load generator sends back for one job. */
export interface LoadResult {
  /** Per request, in ms: from the send (closed) or the scheduled send time (open) to the whole response. */
  latenciesMs: number[];
  /** How many responses had each HTTP status (`error` for a failed connection). */
  statuses: Record<string, number>;
  wallMs: number;
}
