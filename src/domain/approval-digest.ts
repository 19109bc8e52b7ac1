import { sha256Hex } from './sha256.js';

/** The four parts an approval commits to. */
export interface ApprovalCommitment {
  phase: string;
  /** The role's id from the config, e.g. `governance_lead`. */
  roleId: string;
  /** ISO-8601 UTC to the second with a `Z`, e.g. `2025-10-21T03:12:04Z`. */
  signedAt: string;
  artifactRoot: string;
}

/** `sha256_hex("<phase>:<role>:<signed_at>:<artifact_merkle_root>")`, as PRODUCT.md fixes it. */
export function approvalDigest({ phase, roleId, signedAt, artifactRoot }: ApprovalCommitment): string {
  return sha256Hex(`${phase}:${roleId}:${signedAt}:${artifactRoot}`);
}

/** Formats an instant as approvals sign it: ISO-8601 UTC, whole seconds, `Z`. */
export function toSignedAt(instant: Date): string {
  return `${instant.toISOString().slice(0, 19)}Z`;
}
