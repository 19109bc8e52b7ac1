import { approvalStatus, cardNonce } from '../../../domain/approvals.js';
import type { Checkpoint } from '../../../domain/checkpoint-note.js';
import { describeCountdown, describeInstant } from '../../../domain/describe-instant.js';
import { SYSTEM_ACTOR } from '../../../domain/ledger-entry.js';
import { roleName } from '../../../domain/policy.js';
import { evaluateRampGates, firstHold, nextRampWeight } from '../../../domain/ramp-gates.js';
import { type OpenGate, type RolloutState, soakWeightPct, stageOf } from '../../../domain/rollout-state.js';
import { escapeSlackText, mrkdwnOf, peopleOf } from '../escape-text.js';
import { ACTION, actionIdOf } from '../ids.js';
import type { SlackMessage } from './blocks.js';
import {
  abbreviate,
  actions,
  type Block,
  type Button,
  button,
  clip,
  context,
  describeCheckpoint,
  divider,
  header,
  LIMITS,
  message,
  section,
  statusIcon,
} from './blocks.js';

/** Everything the dashboard shows, gathered before rendering so the builder stays pure. */
export interface DashboardInput {
  state: RolloutState;
  version: number;
  now: Date;
  /** The artifact root as the files are now, when known. */
  artifactRoot?: string;
  ledgerHead?: { seq: number; hash: string };
  /** The newest signed checkpoint of the ledger; undefined while none is signed. */
  checkpoint?: Checkpoint;
  alarms: ReadonlyArray<{ name: string; severity: string }>;
}

const BAR_CELLS = 20;

/**
 * An instant as Slack shows it in each reader's own time zone, so it stays right between redraws; the
 * fallback, for clients that cannot, is the UTC time and how far off it was when drawn.
 */
export function slackTime(at: Date, now: Date): string {
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${describeInstant(at, now)}>`;
}

export function progressBar(trafficPct: number): string {
  const filled = Math.round((trafficPct / 100) * BAR_CELLS);
  return `\`${'█'.repeat(filled)}${'░'.repeat(BAR_CELLS - filled)}\` *${trafficPct}%*`;
}

/** Whether the running soak was extended past its planned end to make up missed evaluations. */
function soakExtended(state: RolloutState): boolean {
  const { soak } = state;
  const step = soak && state.policy.steps[soak.stepIndex];
  if (!soak || step?.kind !== 'soak') return false;
  return Date.parse(soak.endsAt) > Date.parse(soak.startedAt) + step.soakMs;
}

/** The dashboard: the seed checklist's six sections with their status, traffic, soak, approvals. */
export function dashboardBlocks(input: DashboardInput): Block[] {
  const { state, now } = input;
  const weights = state.policy.steps.flatMap((step) => (step.kind === 'ramp' ? [step.weightPct] : []));
  const steps = weights
    .map((weight) => (weight === state.trafficPct ? `*${weight}*` : String(weight)))
    .join(' → ');
  const soak =
    state.soak?.status === 'running'
      ? `\n⏳ ${soakWeightPct(state.policy, state.soak)}% soak ends ${describeCountdown(new Date(state.soak.endsAt), now)}${soakExtended(state) ? ', extended to make up missed evaluations' : ''}`
      : state.soak?.status === 'blind'
        ? `\n🙈 ${soakWeightPct(state.policy, state.soak)}% soak blind: too few evaluations read; the watch_blind gate holds until a permitted role decides`
        : '';
  const pending = state.pendingRamp ? `\n↗ moving to ${state.pendingRamp.weightPct}%…` : '';
  return [
    header(`MEC ${state.policy.phase} rollout · ${state.rolloutId}`),
    section(
      `*Stage:* ${stageOf(state).replaceAll('_', ' ')} · *Status:* ${state.status}${state.paused ? ' · ⏸ paused' : ''}${state.lock ? ' · 🔒 locked after rollback' : ''}\n*Traffic* ${progressBar(state.trafficPct)}  (${steps})${soak}${pending}`,
    ),
    divider(),
    ...checklistBlocks(input),
    context(
      `Started by <@${state.startedBy}> · version ${input.version} · drawn ${describeCountdown(now, now).split(',')[0]}`,
    ),
  ];
}

function checklistBlocks({
  state,
  now,
  artifactRoot,
  ledgerHead,
  checkpoint,
  alarms,
}: DashboardInput): Block[] {
  const { checks, policy } = state;
  // A check's summary is plain text that may name people (the pre-flight's contacts).
  const detail = (summary: string | undefined) => (summary ? `\n${mrkdwnOf(summary, peopleOf(policy))}` : '');
  const gates = Object.values(state.gates);
  const root = artifactRoot ?? Object.values(state.approvals)[0]?.artifactRoot;
  const approvalLines = policy.approverRoleIds.map((roleId) => {
    const approval = state.approvals[roleId];
    const status = root ? approvalStatus(state, roleId, root, now) : approval ? 'valid' : 'missing';
    if (!approval || status === 'missing') return `⬜ ${roleName(policy, roleId)}: waiting`;
    const mark = status === 'valid' ? '✅' : '⚠️';
    return `${mark} ${roleName(policy, roleId)}: <@${approval.userId}> · ${approval.signedAt} · \`${abbreviate(approval.digest)}\`${status === 'valid' ? '' : ` (${status.replace('_', ' ')})`}`;
  });
  const validCount = approvalLines.filter((line) => line.startsWith('✅')).length;
  const go = policy.goNoGoRoleIds.map((roleId) => {
    const decision = state.goNoGo[roleId];
    return `${decision ? (decision.go ? '✅ go' : '❌ no-go') : '⬜'} ${roleName(policy, roleId)}`;
  });
  // The sequence (shadow, smoke, go/no-go, ramp) is done only when the plan is; a passed smoke is a start.
  const deployment =
    state.status === 'complete'
      ? 'passed'
      : state.trafficPct > 0 || state.pendingRamp || checks.smoke.status === 'running'
        ? 'running'
        : checks.smoke.status === 'failed'
          ? 'failed'
          : 'pending';
  const backup =
    checks.rehearsal.status === 'passed'
      ? 'passed'
      : checks.backup.status === 'failed' || checks.rehearsal.status === 'failed'
        ? 'failed'
        : checks.backup.status === 'pending'
          ? 'pending'
          : 'running';
  return [
    section(
      `${statusIcon(checks.preflight.status)} *1. Pre-Flight Validation*${detail(checks.preflight.summary)}`,
    ),
    section(guardrails(gates, alarms)),
    section(
      `${statusIcon(deployment)} *3. Deployment Sequencing*\nShadow smoke: ${statusIcon(checks.smoke.status)} ${checks.smoke.status}${checks.smoke.status === 'running' && checks.smoke.endsAt ? `, ends ${slackTime(new Date(checks.smoke.endsAt), now)}` : ''} · Go/no-go: ${go.join(', ')}`,
    ),
    section(
      `${statusIcon(backup)} *4. Backup & Rollback Preparedness*\nSnapshot: ${statusIcon(checks.backup.status)} ${checks.backup.ref ?? checks.backup.status} · Rehearsal: ${statusIcon(checks.rehearsal.status)} ${checks.rehearsal.status}`,
    ),
    section(
      `${validCount === policy.approverRoleIds.length ? '✅' : '⬜'} *5. Approvals* (${validCount}/${policy.approverRoleIds.length})\n${approvalLines.join('\n')}${state.rejection ? `\n❌ rejected by ${roleName(policy, state.rejection.roleId)}: ${escapeSlackText(state.rejection.reason)}` : ''}`,
    ),
    section(
      `${root ? '✅' : '⬜'} *6. Merkle & Ledger Anchoring*\nArtifact root: ${root ? `\`${abbreviate(root)}\`` : 'not computed yet'} · Ledger: ${ledgerHead ? `#${ledgerHead.seq} \`${abbreviate(ledgerHead.hash)}\` · ${describeCheckpoint(checkpoint)}` : 'empty'}`,
    ),
  ];
}

/** Room a gate's summary may take in the guardrails section, so that several gates fit. */
const GATE_SUMMARY_CHARS = 300;

/**
 * The guardrails section: the configured alarms and each open gate with its summary, as many as fit
 * in the section; the rest are counted, each still has its Override button.
 */
function guardrails(gates: readonly OpenGate[], alarms: DashboardInput['alarms']): string {
  const head = `${gates.length ? '❌' : '✅'} *2. Observability & SLO Guardrails*\n${alarms.map((alarm) => `${alarm.severity} ${alarm.name}`).join(' · ') || 'no alarms configured'}`;
  if (gates.length === 0) return head;
  // Kept free for the count of gates that do not fit.
  const room = LIMITS.sectionText - 120;
  let text = `${head}\nCRITICAL gate open: `;
  let shown = 0;
  for (const gate of gates) {
    const entry = `${shown ? '; ' : ''}${gate.id} (${escapeSlackText(clip(gate.summary, GATE_SUMMARY_CHARS))})`;
    if (text.length + entry.length > room) break;
    text += entry;
    shown += 1;
  }
  const rest = gates.length - shown;
  return rest > 0 ? `${text}; …and ${rest} more open gates, each with its Override button below` : text;
}

/** The parent message in the release channel: the dashboard and only the buttons that apply now. */
export function rolloutMessage(input: DashboardInput): SlackMessage {
  const { state } = input;
  const buttons = availableButtons(input);
  const blocks = dashboardBlocks(input);
  // An actions block takes 25 elements; more buttons (one Override per open gate) go on in further blocks.
  for (let start = 0; start < buttons.length; start += LIMITS.actionElements)
    blocks.push(
      actions(
        start === 0 ? 'mec_rollout_actions' : `mec_rollout_actions_${start / LIMITS.actionElements}`,
        buttons.slice(start, start + LIMITS.actionElements),
      ),
    );
  return message(
    `MEC ${state.policy.phase} rollout ${state.rolloutId}: ${stageOf(state).replaceAll('_', ' ')}, traffic ${state.trafficPct}%`,
    blocks,
  );
}

const overrideButtons = (state: RolloutState): Button[] =>
  Object.keys(state.gates).map((gate) =>
    button(actionIdOf(ACTION.override, gate), `Override ${gate}…`, { gate }),
  );

/** The buttons that can do something in this state; anything else would only be refused. */
export function availableButtons(input: DashboardInput): Button[] {
  const { state, version } = input;
  // A completed phase whose certification a gate holds still offers that gate's override.
  if (state.status === 'complete' && !state.certified) return overrideButtons(state);
  if (state.status !== 'active') return [];
  const value = { r: state.rolloutId, v: version };
  const stage = stageOf(state);
  const out: Button[] = [];
  const failed = (['preflight', 'smoke'] as const).find((check) => state.checks[check].status === 'failed');
  if (failed) out.push(button(ACTION.retryCheck, `Run ${failed} again`, { ...value, c: failed }));
  if (stage === 'go_no_go') {
    out.push(
      button(
        actionIdOf(ACTION.goNoGo, 'go'),
        'Go',
        { ...value, go: true, n: cardNonce(state) },
        { style: 'primary' },
      ),
    );
    out.push(
      button(
        actionIdOf(ACTION.goNoGo, 'no_go'),
        'No-go',
        { ...value, go: false, n: cardNonce(state) },
        {
          style: 'danger',
          confirm: { title: 'Record a no-go?', text: 'A no-go stops this rollout.', confirm: 'No-go' },
        },
      ),
    );
  }
  // Ramp is offered only when every gate but the clicker's own permission would let it through.
  const next = nextRampWeight(state);
  if (next !== undefined && input.artifactRoot) {
    const request = { actor: SYSTEM_ACTOR, weightPct: next, artifactRoot: input.artifactRoot };
    if (!firstHold(evaluateRampGates(state, request, input.now))) {
      out.push(button(ACTION.ramp, `Ramp to ${next}%`, { ...value, w: next }, { style: 'primary' }));
    }
  }
  out.push(...overrideButtons(state));
  out.push(state.paused ? button(ACTION.resume, 'Resume', value) : button(ACTION.pause, 'Pause', value));
  if ((state.trafficPct > 0 || state.pendingRamp) && !state.rollback) {
    out.push(
      button(ACTION.rollback, 'Roll back', value, {
        style: 'danger',
        confirm: {
          title: 'Roll back to shadow?',
          text: `Traffic returns from ${state.trafficPct}% to 0% and ramps lock until every role approves again.`,
          confirm: 'Roll back',
        },
      }),
    );
  }
  return out;
}
