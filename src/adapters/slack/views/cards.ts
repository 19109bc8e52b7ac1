import { approvalStatus, cardNonce } from '../../../domain/approvals.js';
import { own } from '../../../domain/own.js';
import { roleName } from '../../../domain/policy.js';
import { goRecorded, type RolloutState } from '../../../domain/rollout-state.js';
import { ACTION, actionIdOf, REJECT_INPUT, VIEW } from '../ids.js';
import {
  abbreviate,
  actions,
  type Block,
  type Button,
  button,
  context,
  header,
  LIMITS,
  message,
  type SlackMessage,
  section,
} from './blocks.js';

/**
 * The approval card: one row per required role with an Approve and a Reject button, bound to the artifact
 * root the approvals commit to. It shows abbreviated digests; the thread and the ledger hold the full ones.
 */
export function approvalCard(state: RolloutState, artifactRoot: string, now: Date): SlackMessage {
  const { policy } = state;
  const perRole = policy.approverRoleIds.length * 2 + 3 <= LIMITS.blocks;
  const rows = perRole ? roleRows(state, artifactRoot, now) : compactRows(state, artifactRoot, now);
  return message(`Approvals for MEC ${state.policy.phase}: artifact root ${abbreviate(artifactRoot)}`, [
    header(`Approvals · MEC ${state.policy.phase}`),
    section(
      `Each approval commits to the artifact Merkle root \`${artifactRoot}\` as \`sha256("${state.policy.phase}:<role>:<signed_at>:<root>")\`. If the artifacts change, every approval is void.`,
    ),
    ...rows,
    context(
      `Rollout ${state.rolloutId} · one distinct person per role${state.policy.allowSelfApproval ? '' : ', not the person who started the rollout'}`,
    ),
  ]);
}

/** Roles per block pair in the compact card: 12 rows in a section, their 24 buttons in one actions block. */
const ROLES_PER_BLOCK = 12;

/**
 * The card for more roles than fit one section and one actions block each within Slack's 50 blocks:
 * twelve roles' rows share a section and their buttons an actions block, each button with its own
 * action_id, so every role stays reachable.
 */
function compactRows(state: RolloutState, artifactRoot: string, now: Date): Block[] {
  const { policy } = state;
  const blocks: Block[] = [];
  for (let start = 0; start < policy.approverRoleIds.length; start += ROLES_PER_BLOCK) {
    const roleIds = policy.approverRoleIds.slice(start, start + ROLES_PER_BLOCK);
    const lines: string[] = [];
    const buttons: Button[] = [];
    for (const roleId of roleIds) {
      const { line, valid } = roleLine(state, roleId, artifactRoot, now);
      const name = roleName(policy, roleId);
      const value = { r: state.rolloutId, root: artifactRoot, role: roleId, n: cardNonce(state) };
      lines.push(line);
      if (!valid)
        buttons.push(
          button(actionIdOf(ACTION.approve, roleId), `Approve as ${name}`, value, { style: 'primary' }),
        );
      buttons.push(
        button(actionIdOf(ACTION.reject, roleId), `Reject as ${name}…`, value, { style: 'danger' }),
      );
    }
    blocks.push(section(lines.join('\n')), actions(`mec_approvals_${start / ROLES_PER_BLOCK}`, buttons));
  }
  return blocks;
}

/** One role's line on the card, and whether its approval stands. */
function roleLine(state: RolloutState, roleId: string, artifactRoot: string, now: Date) {
  const approval = state.approvals[roleId];
  const status = approvalStatus(state, roleId, artifactRoot, now);
  const name = roleName(state.policy, roleId);
  if (approval && status === 'valid')
    return {
      valid: true,
      line: `✅ *${name}*: <@${approval.userId}> · ${approval.signedAt} · \`${abbreviate(approval.digest)}\``,
    };
  const note = status === 'missing' ? 'waiting' : `${status.replace('_', ' ')}: approve again`;
  return { valid: false, line: `⬜ *${name}*: ${note}` };
}

/** One section and one actions block per role. */
function roleRows(state: RolloutState, artifactRoot: string, now: Date): Block[] {
  const { policy } = state;
  return policy.approverRoleIds.flatMap((roleId) => {
    const { line, valid } = roleLine(state, roleId, artifactRoot, now);
    const value = { r: state.rolloutId, root: artifactRoot, role: roleId, n: cardNonce(state) };
    const reject = button(ACTION.reject, 'Reject…', value, { style: 'danger' });
    // An approved role can still reject, which voids every approval.
    const approve = button(ACTION.approve, `Approve as ${roleName(policy, roleId)}`, value, {
      style: 'primary',
    });
    return [section(line), actions(`mec_approval_${roleId}`, valid ? [reject] : [approve, reject])];
  });
}

/** Asks the go/no-go roles for their joint decision once the shadow smoke has passed. */
/**
 * Asks the go/no-go roles for their joint decision once the shadow smoke has passed. Its buttons are
 * bound to the rollout, not to a drawing: decide() refuses a decision at the wrong stage. Once decided,
 * the card shows the decisions and no buttons.
 */
export function goNoGoCard(state: RolloutState, version: number): SlackMessage {
  const { policy } = state;
  const names = policy.goNoGoRoleIds.map((roleId) => roleName(policy, roleId)).join(' and ');
  const decisions = policy.goNoGoRoleIds.map((roleId) => {
    const decision = own(state.goNoGo, roleId);
    return `${decision ? (decision.go ? '✅ go' : '❌ no-go') : '⬜ waiting'}: ${roleName(policy, roleId)}${decision ? ` (<@${decision.userId}>)` : ''}`;
  });
  const open =
    state.status === 'active' && !goRecorded(state) && state.trafficPct === 0 && state.cursor === 0;
  const value = { r: state.rolloutId, v: version, n: cardNonce(state) };
  const blocks = [
    section(
      `✅ The shadow smoke passed. *${names}*: record the joint go/no-go. Both must say go; one no-go stops the rollout.\n${decisions.join('\n')}`,
    ),
  ];
  if (open) {
    blocks.push(
      actions('mec_go_no_go', [
        button(actionIdOf(ACTION.goNoGo, 'go'), 'Go', { ...value, go: true }, { style: 'primary' }),
        button(
          actionIdOf(ACTION.goNoGo, 'no_go'),
          'No-go',
          { ...value, go: false },
          {
            style: 'danger',
            confirm: { title: 'Record a no-go?', text: 'A no-go stops this rollout.', confirm: 'No-go' },
          },
        ),
      ]),
    );
  }
  return message(`The ${state.policy.phase} shadow smoke passed: ${names}, record the go/no-go`, blocks);
}

export interface RejectModalContext {
  rolloutId: string;
  roleId: string;
  artifactRoot: string;
  channelId: string | undefined;
}

/** The modal that asks for a rejection's reason; what it is about travels in private_metadata. */
export function rejectModal(state: RolloutState, meta: RejectModalContext) {
  return reasonModal({
    callbackId: VIEW.rejectReason,
    metadata: meta,
    title: 'Reject the release',
    submit: 'Reject',
    intro: `Rejecting as *${roleName(state.policy, meta.roleId)}* voids every approval of ${state.policy.phase} and holds ramps until all roles approve again.`,
  });
}

/** The modal that asks why a CRITICAL gate is being overridden. */
export function overrideModal(gate: string, channelId: string | undefined) {
  return reasonModal({
    callbackId: VIEW.overrideReason,
    metadata: { gate, channelId },
    title: 'Override a gate',
    submit: 'Override',
    intro: `Overriding *${gate}* lets ramps through while its alarm still fires. The reason goes into the ledger.`,
  });
}

/** A modal that asks for a reason of at most 500 characters; what it is about travels in private_metadata. */
function reasonModal(options: {
  callbackId: string;
  metadata: unknown;
  title: string;
  submit: string;
  intro: string;
}) {
  return {
    type: 'modal' as const,
    callback_id: options.callbackId,
    private_metadata: JSON.stringify(options.metadata),
    title: { type: 'plain_text' as const, text: options.title },
    submit: { type: 'plain_text' as const, text: options.submit },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      section(options.intro),
      {
        type: 'input' as const,
        block_id: REJECT_INPUT.block,
        label: { type: 'plain_text' as const, text: 'Reason' },
        element: {
          type: 'plain_text_input' as const,
          action_id: REJECT_INPUT.action,
          multiline: true,
          max_length: 500,
        },
      },
    ],
  };
}
