import type { DashboardData } from '../../app/ports/dashboard-data.js';
import { breaches } from '../../domain/alarm-watch.js';
import { approvalStatus } from '../../domain/approvals.js';
import { own } from '../../domain/own.js';
import { roleName } from '../../domain/policy.js';
import { CHECKS, type RolloutState, soakWeightPct, stageOf } from '../../domain/rollout-state.js';
import { alarmChart, type ChartSpan, trafficChart } from './dashboard-charts.js';
import { DASHBOARD_CSP, DASHBOARD_SCRIPT, timeLeftText } from './dashboard-script.js';
import { escapeHtml } from './escape-html.js';

const ICON: Record<string, string> = { passed: '✅', running: '⏳', failed: '❌', pending: '⬜' };

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f4f5f7;color:#1d1c1d}
header{background:#1d3557;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
main{padding:16px 24px;display:grid;gap:16px;grid-template-columns:repeat(auto-fit,minmax(420px,1fr))}
section{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.1)}
h2{font-size:15px;margin:4px 0 8px}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:4px 6px;border-bottom:1px solid #eee;vertical-align:top}
code{font:12px ui-monospace,Menlo,monospace;word-break:break-all}
.bar{height:14px;background:#e1e4e8;border-radius:7px;overflow:hidden}.bar>div{height:100%;background:#2a9d8f}
.sev-BLOCKER{color:#b00020;font-weight:600}.sev-CRITICAL{color:#c75000;font-weight:600}.sev-WARNING{color:#8a6d00}
footer{padding:8px 24px;color:#616061;font-size:12px}
#ledger,#charts{grid-column:1/-1}
header{display:flex;justify-content:space-between;align-items:baseline}#live{font-size:12px;opacity:.85}
#charts{display:flex;flex-wrap:wrap;gap:8px 24px}#charts h2{width:100%}figure{margin:0}figcaption{font-size:13px}
.chart{max-width:100%;height:auto;font:11px system-ui,sans-serif}.chart .plot{fill:#fafbfc;stroke:#e1e4e8}
.chart .grid{stroke:#e1e4e8}.chart .axis{fill:#616061}.chart .empty{fill:#616061}
.traffic-line{fill:none;stroke:#2a9d8f;stroke-width:2}.traffic-point{fill:#2a9d8f}
.threshold{stroke:#b00020;stroke-width:1.5;stroke-dasharray:6 4}.threshold-label{fill:#b00020}
.alarm-line{fill:none;stroke:#457b9d;stroke-width:1.5}.sample{fill:#457b9d}.sample.breach{fill:#b00020}
.unread{stroke:#8d8d8d;stroke-width:2}.breach-now{color:#b00020;font-weight:600}`;

/**
 * The governance dashboard as one self-contained HTML page: state and traffic, charts of the traffic
 * and of each alarm against its threshold over the rollout, the seed checklist, approvals with their
 * full digests, the tail of the ledger, and the alarms with their current values. Everything shown is
 * escaped, and the page loads nothing from anywhere, so a snapshot of it is a complete record. Its
 * one script keeps it current where it was served (see dashboard-script.ts); its Content-Security-
 * Policy lets no other script run.
 */
export function dashboardHtml(data: DashboardData): string {
  const { state } = data;
  const title = `MEC ${data.phase} governance dashboard`;
  const body = state
    ? [
        overview(state, data.version, data.generatedAt),
        charts(data, state),
        checklist(state),
        approvals(state, data.artifactRoot, data.generatedAt),
        alarmsSection(data, state),
        ledger(data),
      ].join('\n')
    : `<section><h2>No rollout yet</h2><p>Start one with <code>/mec start</code> in the release channel.</p></section>${alarmsSection(data, null)}${ledger(data)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(DASHBOARD_CSP)}">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body data-generated-at="${escapeHtml(data.generatedAt.toISOString())}"><header><h1>${escapeHtml(title)}</h1><span id="live" aria-live="polite"></span></header><main id="content">
${body}
</main><footer id="footer">Generated ${escapeHtml(data.generatedAt.toISOString())} · ledger head #${data.ledgerHead.seq} <code>${escapeHtml(data.ledgerHead.hash)}</code> · ${checkpointText(data)}</footer>
<script>${DASHBOARD_SCRIPT}</script></body></html>
`;
}

function overview(state: RolloutState, version: number, now: Date): string {
  const weights = state.policy.steps.flatMap((step) => (step.kind === 'ramp' ? [step.weightPct] : []));
  const soak =
    state.soak?.status === 'running'
      ? `<p id="soak">⏳ ${soakWeightPct(state.policy, state.soak)}% soak ends <time datetime="${escapeHtml(state.soak.endsAt)}">${escapeHtml(clockText(state.soak.endsAt))}</time>, <b class="countdown" data-ends-at="${escapeHtml(state.soak.endsAt)}">${escapeHtml(timeLeftText(Date.parse(state.soak.endsAt) - now.getTime()))}</b></p>`
      : state.soak?.status === 'blind'
        ? `<p>🙈 ${soakWeightPct(state.policy, state.soak)}% soak blind: too few evaluations read (gate watch_blind)</p>`
        : '';
  return `<section id="overview"><h2>Rollout ${escapeHtml(state.rolloutId)}</h2>
<p><b>Stage:</b> ${escapeHtml(stageOf(state).replaceAll('_', ' '))} · <b>Status:</b> ${escapeHtml(state.status)}${state.paused ? ' · ⏸ paused' : ''}${state.lock ? ` · 🔒 locked (${escapeHtml(state.lock.reason)})` : ''} · version ${version}</p>
<p><b>Traffic</b> ${state.trafficPct}% of ${weights.map((weight) => `${weight}%`).join(' → ')}</p>
<div class="bar" role="progressbar" aria-valuenow="${state.trafficPct}" aria-valuemin="0" aria-valuemax="100"><div style="width:${state.trafficPct}%"></div></div>${soak}</section>`;
}

function checklist(state: RolloutState): string {
  const rows = CHECKS.map((check) => {
    const run = state.checks[check];
    return `<tr><td>${ICON[run.status] ?? ''} ${escapeHtml(check)}</td><td>${escapeHtml(run.status)}</td><td>${escapeHtml(run.summary ?? '')}${run.ref ? `<br><code>${escapeHtml(run.ref)}</code>` : ''}</td></tr>`;
  });
  const go = state.policy.goNoGoRoleIds.map((roleId) => {
    const decision = own(state.goNoGo, roleId);
    return `<tr><td>${decision ? (decision.go ? '✅ go' : '❌ no-go') : '⬜'} ${escapeHtml(roleName(state.policy, roleId))}</td><td>${decision ? `&lt;@${escapeHtml(decision.userId)}&gt;` : 'waiting'}</td><td>${escapeHtml(decision?.at ?? '')}</td></tr>`;
  });
  return `<section id="checklist"><h2>Seed checklist</h2><table><tr><th>Check</th><th>Status</th><th>Detail</th></tr>${rows.join('')}</table>
<h2>Go/no-go</h2><table>${go.join('')}</table></section>`;
}

function approvals(state: RolloutState, root: string | undefined, now: Date): string {
  const rows = state.policy.approverRoleIds.map((roleId) => {
    const approval = own(state.approvals, roleId);
    const status =
      approval && root ? approvalStatus(state, roleId, root, now) : approval ? 'valid' : 'missing';
    return `<tr><td>${status === 'valid' ? '✅' : '⬜'} ${escapeHtml(roleName(state.policy, roleId))}</td><td>${approval ? `&lt;@${escapeHtml(approval.userId)}&gt;<br>${escapeHtml(approval.signedAt)}` : 'waiting'}</td><td>${approval ? `<code>${escapeHtml(approval.digest)}</code>` : ''}${status !== 'valid' && status !== 'missing' ? ` (${escapeHtml(status)})` : ''}</td></tr>`;
  });
  const rejection = state.rejection
    ? `<p>❌ Rejected by ${escapeHtml(roleName(state.policy, state.rejection.roleId))}: ${escapeHtml(state.rejection.reason)}</p>`
    : '';
  return `<section id="approvals"><h2>Approvals</h2><p>Artifact Merkle root <code>${escapeHtml(root ?? 'not computed')}</code></p>
<table><tr><th>Role</th><th>Signer</th><th>Commitment digest</th></tr>${rows.join('')}</table>${rejection}</section>`;
}

function alarmsSection(data: DashboardData, state: RolloutState | null): string {
  const configured = data.alarms.map((alarm) => {
    const value = data.samples.findLast((sample) => Object.hasOwn(sample.values, alarm.name))?.values[
      alarm.name
    ];
    const now =
      value === undefined
        ? '<td>not read yet</td>'
        : typeof value === 'number' && breaches(alarm, value)
          ? `<td class="breach-now">${escapeHtml(value)} (breach)</td>`
          : `<td>${escapeHtml(value)}</td>`;
    return `<tr data-alarm="${escapeHtml(alarm.name)}"><td class="sev-${escapeHtml(alarm.severity)}">${escapeHtml(alarm.severity)}</td><td>${escapeHtml(alarm.name)}</td><td>${escapeHtml(alarm.comparator)} ${escapeHtml(alarm.threshold)}</td>${now}</tr>`;
  });
  const gates = Object.values(state?.gates ?? {}).map(
    (gate) =>
      `<li>⛔ ${escapeHtml(gate.id)}: ${escapeHtml(gate.summary)} (since ${escapeHtml(gate.openedAt)})</li>`,
  );
  const incidents = data.incidents
    .slice(0, 10)
    .map(
      (incident) =>
        `<tr><td class="sev-${escapeHtml(incident.severity)}">${escapeHtml(incident.severity)}</td><td>${escapeHtml(incident.alarm)}</td><td>${escapeHtml(incident.receivedAt)}</td><td>${incident.acknowledged ? `ack &lt;@${escapeHtml(incident.acknowledged.by)}&gt;` : 'not acknowledged'}${incident.resolvedAt ? ', resolved' : ''}</td></tr>`,
    );
  return `<section id="alarms"><h2>Alarms</h2><table><tr><th>Severity</th><th>Alarm</th><th>Threshold</th><th>Now</th></tr>${configured.join('')}</table>
<h2>Open gates</h2>${gates.length ? `<ul>${gates.join('')}</ul>` : '<p>None.</p>'}
<h2>Recent incidents</h2>${incidents.length ? `<table>${incidents.join('')}</table>` : '<p>None.</p>'}</section>`;
}

/** An instant to the second in UTC, with its date: `21 Oct 2025 13:55:00 UTC`. */
const clockText = (iso: string) => {
  const at = new Date(iso);
  return `${at.getUTCDate()} ${at.toLocaleString('en', { month: 'short', timeZone: 'UTC' })} ${at.getUTCFullYear()} ${at.toISOString().slice(11, 19)} UTC`;
};

/** The rollout's traffic and each alarm against its threshold, from its start until the page was made. */
function charts(data: DashboardData, state: RolloutState): string {
  const fromMs = Date.parse(state.startedAt);
  const span: ChartSpan = { fromMs, toMs: Math.max(data.generatedAt.getTime(), fromMs + 1_000) };
  const alarms = data.alarms.map(
    (alarm) =>
      `<figure data-alarm="${escapeHtml(alarm.name)}"><figcaption><span class="sev-${escapeHtml(alarm.severity)}">${escapeHtml(alarm.severity)}</span> ${escapeHtml(alarm.name)} (threshold ${escapeHtml(alarm.comparator)} ${escapeHtml(alarm.threshold)})</figcaption>${alarmChart(alarm, data.samples, span)}</figure>`,
  );
  return `<section id="charts"><h2>Traffic over the rollout</h2><figure id="traffic">${trafficChart(data.traffic, span)}</figure>
<h2>Alarms against their thresholds</h2>${alarms.join('')}</section>`;
}

/** The newest signed checkpoint, with its full root as the page shows every hash; or that none is signed. */
function checkpointText({ checkpoint }: DashboardData): string {
  return checkpoint
    ? `checkpoint #${checkpoint.size} <code>${checkpoint.root.toString('hex')}</code>`
    : 'not checkpointed yet';
}

function ledger(data: DashboardData): string {
  const rows = [...data.ledgerTail]
    .reverse()
    .map(
      ({ seq, hash, body }) =>
        `<tr><td>#${seq}</td><td>${escapeHtml(body.at)}</td><td>${escapeHtml(body.actor)}</td><td>${escapeHtml(body.action)}</td><td>${escapeHtml(body.outcome)} <code>${escapeHtml(body.reason)}</code></td><td><code>${escapeHtml(hash.slice(0, 16))}…</code></td></tr>`,
    );
  return `<section id="ledger"><h2>Ledger (latest ${data.ledgerTail.length})</h2><table><tr><th>#</th><th>At</th><th>Actor</th><th>Action</th><th>Outcome</th><th>Hash</th></tr>${rows.join('')}</table></section>`;
}
