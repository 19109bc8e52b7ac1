import { z } from 'zod';
import { parseVerifierKey } from '../domain/checkpoint-note.js';
import { parseCosignatureVerifierKey } from '../domain/cosignature.js';
import { parseDurationMs } from '../domain/duration.js';

const milliseconds = (fallbackMs: number) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return fallbackMs;
      const totalMs = parseDurationMs(text);
      if (totalMs !== undefined) return totalMs;
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration; write it like 5s or 250ms` });
      return z.NEVER;
    });

/** A signed-note verifier key `<name>+<key ID>+<base64 key>` of an Ed25519 key (type 0x01). */
const ed25519VerifierKey = z.string().superRefine((vkey, ctx) => {
  try {
    parseVerifierKey(vkey);
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `${(error as Error).message}; print the key's line with npm run ledger-key -- --public FILE`,
    });
  }
});

/** The ledger's signed checkpoints (docs/AUDIT.md): who names the log, and who can check it. */
export const ledgerConfig = z.strictObject({
  /**
   * The log's name in every checkpoint and the name of its signing key: a schema-less URL such as
   * `mec.example.com/release-ledger`. It names the ledger, not the phase: keep it for the next phase.
   */
  origin: z
    .string()
    .max(200)
    .regex(/^[^\s+]+$/, 'must be a name without spaces or "+", like mec.example.com/release-ledger'),
  /**
   * The verifier key of MEC_LEDGER_KEY, which `npm run verify` checks every checkpoint against. The
   * bot refuses to start when MEC_LEDGER_KEY is not its private half. Only the sandbox, which makes a
   * key of its own, may leave it out.
   */
  publicKey: ed25519VerifierKey.optional(),
  /** An optional C2SP tlog-witness that cosigns each checkpoint. */
  witness: z
    .strictObject({
      /** The witness's base URL; `add-checkpoint` is posted under it. */
      url: z.url({ protocol: /^https?$/ }),
      /** The witness's cosignature verifier key; without it, cosignatures are stored unchecked. */
      publicKey: z
        .string()
        .superRefine((vkey, ctx) => {
          try {
            parseCosignatureVerifierKey(vkey);
          } catch (error) {
            ctx.addIssue({ code: 'custom', message: (error as Error).message });
          }
        })
        .optional(),
      /** How long a POST may take, in milliseconds; past it the checkpoint stays uncosigned. Default 5s. */
      timeout: milliseconds(5_000),
    })
    .optional(),
});

export type LedgerConfig = z.output<typeof ledgerConfig>;
