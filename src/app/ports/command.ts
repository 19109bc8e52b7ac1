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
        | 'ledger'
        | 'verify'
        | 'review';
    }
  | { verb: 'nogo' | 'pause'; reason?: string }
  | { verb: 'ramp'; weightPct: number; dryRun: boolean }
  | { verb: 'rollback'; dryRun: boolean; reason?: string }
  | { verb: 'abort'; reason: string };
