import { z } from 'zod';
import { CHECKS } from '../../../domain/rollout-state.js';

/**
 * What each button carries, parsed with zod when it is clicked. Buttons on the rollout message carry the
 * version they were drawn for, so a click on an older drawing is recognised as stale.
 */
export const rolloutButtonValue = z.strictObject({
  /** Rollout id. */
  r: z.string().min(1).max(64),
  /** State version the message was drawn at. */
  v: z.number().int().nonnegative(),
  w: z.number().int().min(1).max(100).optional(),
  c: z.enum(CHECKS).optional(),
  role: z.string().max(64).optional(),
  go: z.boolean().optional(),
  /** Go/no-go buttons: the card nonce, which changes whenever approvals are voided. */
  n: z.number().int().nonnegative().optional(),
});

/**
 * Approval buttons carry the artifact root they commit to instead of a version: others' approvals do not
 * make them stale. The card nonce does: it changes whenever approvals are voided (a rejection, a rollback).
 */
export const approvalButtonValue = z.strictObject({
  r: z.string().min(1).max(64),
  root: z.string().regex(/^[0-9a-f]{64}$/),
  role: z.string().min(1).max(64),
  n: z.number().int().nonnegative(),
});

/** Parses a button's JSON value; undefined for anything malformed. */
export function parseButtonValue<T>(schema: z.ZodType<T>, raw: string | undefined): T | undefined {
  if (raw === undefined || raw.length > 2_000) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
