/** Every slash command, action id, view callback id and event this app handles, in one place. */
export const COMMAND = '/mec';

export const ACTION = {
  approve: 'mec_approve',
  reject: 'mec_reject',
  goNoGo: 'mec_go_no_go',
  ramp: 'mec_ramp',
  pause: 'mec_pause',
  resume: 'mec_resume',
  rollback: 'mec_rollback',
  retryCheck: 'mec_retry_check',
} as const;

export const VIEW = {
  rejectReason: 'mec_reject_reason',
} as const;

export const EVENT = {
  appHomeOpened: 'app_home_opened',
} as const;

/** Block and input ids inside the reject modal. */
export const REJECT_INPUT = { block: 'reason_block', action: 'reason_input' } as const;
