/** A `/mec` command, as parsed from what a person typed. Reasons are as the person typed them. */
export type Command =
  | {
      verb:
        | 'help'
        | 'status'
        | 'start'
        | 'preflight'
        | 'smoke'
        | 'go'
        | 'approvals'
        | 'resume'
        | 'verify'
        | 'review';
    }
  | { verb: 'nogo' | 'pause'; reason?: string }
  /** `page` 1 is the newest entries, 2 the ten before them, and so on. */
  | { verb: 'ledger'; page?: number }
  | { verb: 'ramp'; weightPct: number; dryRun: boolean }
  | { verb: 'rollback'; dryRun: boolean; reason?: string }
  | { verb: 'abort'; reason: string };
