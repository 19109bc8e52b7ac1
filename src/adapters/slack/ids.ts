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
  acknowledge: 'mec_acknowledge',
  override: 'mec_override',
} as const;

/**
 * The action_id of one of several buttons that share a listener, e.g. `mec_go_no_go.no_go`: Slack refuses
 * a block with one action_id twice (https://docs.slack.dev/reference/block-kit/block-elements/button-element).
 */
export const actionIdOf = (base: string, key: string) => `${base}.${key}`;

/** Matches a base action_id and every `actionIdOf` it, so buttons drawn before the suffix still work. */
export const anyActionOf = (base: string) => new RegExp(`^${base.replace(/[.]/g, '\\.')}(?:\\..+)?$`);

export const VIEW = {
  rejectReason: 'mec_reject_reason',
  overrideReason: 'mec_override_reason',
} as const;

export const EVENT = {
  appHomeOpened: 'app_home_opened',
} as const;

/** Block and input ids of the reason asked for by the reject and override modals. */
export const REJECT_INPUT = { block: 'reason_block', action: 'reason_input' } as const;
