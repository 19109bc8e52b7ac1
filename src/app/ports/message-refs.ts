/** Where a posted Slack message is. */
export interface MessageRef {
  channel: string;
  ts: string;
}

/** The names of the drawings that are marked stale and redrawn: one per message or view. */
export const DRAWING = {
  rollout: (phase: string) => `message-${phase}`,
  homes: (phase: string) => `homes-${phase}`,
  incident: (id: string) => `incident-${id}`,
} as const;

/**
 * Draws one part of a drawing (one message of it) unless the drawing already landed that part since
 * it was last marked stale: a drawing retried after a failure part way (a 429) sends only what is left.
 */
export type DrawPart = (part: string, draw: () => Promise<void>) => Promise<void>;

/** Marks a drawing stale, so a drawing already under way draws again. */
export interface StaleMarks {
  markDirty(drawing: string): Promise<void>;
}

/**
 * Where each rollout's messages are, and the coordination around drawing them: a claim so that one
 * process posts the parent message, and a lock with a stale mark so concurrent redraws collapse into
 * one that reads the latest state last.
 */
export interface MessageRefs extends StaleMarks {
  get(rolloutId: string): Promise<MessageRef | undefined>;
  /** True for one caller at a time per rollout: that caller posts the parent message and sets it. */
  claimParent(rolloutId: string): Promise<boolean>;
  setParent(rolloutId: string, ref: MessageRef): Promise<void>;
  /** Gives the claim up, after a post that failed, so the next attempt can claim it at once. */
  releaseParent(rolloutId: string): Promise<void>;
  /** Remembers a card (approvals, go/no-go) posted for a rollout, so redraws keep it current. */
  addCard(rolloutId: string, card: string, ref: MessageRef): Promise<void>;
  cards(rolloutId: string, card: string): Promise<MessageRef[]>;
  /** Marks a drawing stale unless it is marked already: a drawing to be resumed stays one. */
  markDirtyUnlessMarked(drawing: string): Promise<void>;
  /**
   * Draws while the drawing is marked stale, under its lock; returns at once if another holds it. A
   * drawing that fails is marked again, to be resumed: its next run skips the parts (`part`) this one
   * landed, unless the drawing was marked stale anew meanwhile.
   */
  drawWhileDirty(drawing: string, token: string, draw: (part: DrawPart) => Promise<void>): Promise<void>;
  /** Users who opened App Home since `sinceMs` (epoch milliseconds). */
  homeViewers(sinceMs: number): Promise<string[]>;
  sawHome(userId: string, atMs: number): Promise<void>;
}
