import type { VerifyCheck } from './rollout-actions.js';

/**
 * Runs the whole audit (`verifyWorkspace`) away from the caller's event loop and heap, for `/mec verify`
 * inside the bot: a verify of a long ledger must neither stall the bot's other requests nor grow it.
 */
export interface WorkspaceVerifier {
  verify(): Promise<{ ok: boolean; checks: VerifyCheck[] }>;
}
