import type { WatchSample } from '../../app/ports/watch-sample-log.js';
import { breaches, type WatchedAlarm } from '../../domain/alarm-watch.js';
import type { TrafficPoint } from '../../domain/traffic-history.js';
import { escapeHtml } from './escape-html.js';

/** The size of every chart and of its plotting area inside the axes, in SVG user units (CSS pixels). */
const WIDTH = 560;
const HEIGHT = 172;
const PLOT = { left: 52, right: 548, top: 10, bottom: 146 };

/** The time a chart covers, in epoch milliseconds: the rollout's start until the page was made. */
export interface ChartSpan {
  fromMs: number;
  toMs: number;
}

const TRAFFIC_GRID_PCT = [0, 25, 50, 75, 100];

const coordinate = (value: number) => value.toFixed(1);
const clockOf = (ms: number) => `${new Date(ms).toISOString().slice(11, 19)} UTC`;
/** An alarm value as people read it: four significant digits, without trailing zeros. */
const valueText = (value: number) => String(Number(value.toPrecision(4)));

function xOf(span: ChartSpan, atMs: number): number {
  const clamped = Math.min(Math.max(atMs, span.fromMs), span.toMs);
  const share = (clamped - span.fromMs) / Math.max(1, span.toMs - span.fromMs);
  return PLOT.left + share * (PLOT.right - PLOT.left);
}

function frame(label: string, className: string, body: string, span: ChartSpan): string {
  const timeAxis = `<text class="axis" x="${PLOT.left}" y="${HEIGHT - 8}">${escapeHtml(clockOf(span.fromMs))}</text><text class="axis" x="${PLOT.right}" y="${HEIGHT - 8}" text-anchor="end">${escapeHtml(clockOf(span.toMs))}</text>`;
  return `<svg class="${className}" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(label)}</title><rect class="plot" x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}"/>${body}${timeAxis}</svg>`;
}

/**
 * The traffic the rollout served, as a step line over time: flat while a weight holds, upright where
 * a ramp landed or a rollback finished, and on to the right edge at the weight it serves now.
 */
export function trafficChart(points: readonly TrafficPoint[], span: ChartSpan): string {
  const yOf = (pct: number) => PLOT.bottom - (pct / 100) * (PLOT.bottom - PLOT.top);
  const grid = TRAFFIC_GRID_PCT.map((pct) => {
    const y = coordinate(yOf(pct));
    return `<line class="grid" data-pct="${pct}" x1="${PLOT.left}" x2="${PLOT.right}" y1="${y}" y2="${y}"/><text class="axis" x="${PLOT.left - 6}" y="${coordinate(yOf(pct) + 4)}" text-anchor="end">${pct}%</text>`;
  }).join('');
  const vertices: Array<[number, number]> = [];
  let previous: number | undefined;
  for (const point of points) {
    const x = xOf(span, Date.parse(point.at));
    if (previous !== undefined) vertices.push([x, yOf(previous)]);
    vertices.push([x, yOf(point.trafficPct)]);
    previous = point.trafficPct;
  }
  if (previous !== undefined) vertices.push([xOf(span, span.toMs), yOf(previous)]);
  const line = vertices.length
    ? `<polyline class="traffic-line" points="${vertices.map(([x, y]) => `${coordinate(x)},${coordinate(y)}`).join(' ')}"/>`
    : `<text class="empty" x="${(PLOT.left + PLOT.right) / 2}" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle">No traffic recorded yet</text>`;
  const marks = points
    .map(
      (point) =>
        `<circle class="traffic-point" data-pct="${point.trafficPct}" cx="${coordinate(xOf(span, Date.parse(point.at)))}" cy="${coordinate(yOf(point.trafficPct))}" r="3"><title>${escapeHtml(`${point.trafficPct}% from ${point.at}`)}</title></circle>`,
    )
    .join('');
  return frame('Traffic over time, in percent', 'chart traffic-chart', `${grid}${line}${marks}`, span);
}

/**
 * Adds `next` to `read` (evaluations in time order), or, when it falls in the same pixel column as the
 * last one kept, keeps whichever of the two is worse: a long rollout has more evaluations than the
 * chart has columns, and a chart that thinned them evenly could drop the one breach. Returns what to
 * push; the last one kept is replaced in place.
 */
function worstPerColumn(
  read: Array<{ atMs: number; value: number }>,
  alarm: WatchedAlarm,
  span: ChartSpan,
  next: { atMs: number; value: number },
): { atMs: number; value: number } {
  const last = read.at(-1);
  if (!last || Math.round(xOf(span, last.atMs)) !== Math.round(xOf(span, next.atMs))) return next;
  read.pop();
  const higherIsWorse = alarm.comparator === 'gt' || alarm.comparator === 'gte';
  return (higherIsWorse ? next.value > last.value : next.value < last.value) ? next : last;
}

/**
 * One alarm's values as the watches read them, against its threshold (the dashed line). Each
 * evaluation is a dot (the worst of those that share a pixel column), red where it breached; an
 * evaluation that could not be read is a grey tick on the time axis, since it has no value to place.
 */
export function alarmChart(alarm: WatchedAlarm, samples: readonly WatchSample[], span: ChartSpan): string {
  const read: Array<{ atMs: number; value: number }> = [];
  const unread = new Set<string>();
  for (const sample of samples) {
    const value = sample.values[alarm.name];
    const atMs = Date.parse(sample.at);
    if (typeof value === 'number') read.push(worstPerColumn(read, alarm, span, { atMs, value }));
    else if (value !== undefined) unread.add(coordinate(xOf(span, atMs)));
  }
  let low = alarm.threshold;
  let high = alarm.threshold;
  for (const { value } of read) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  // Room above and below, so neither the threshold nor the extreme values sit on the frame.
  const pad = (high - low) * 0.15 || Math.max(Math.abs(high), 1) * 0.5;
  low -= pad;
  high += pad;
  const yOf = (value: number) => PLOT.bottom - ((value - low) / (high - low)) * (PLOT.bottom - PLOT.top);
  const thresholdY = coordinate(yOf(alarm.threshold));
  const threshold = `<line class="threshold" data-threshold="${escapeHtml(alarm.threshold)}" x1="${PLOT.left}" x2="${PLOT.right}" y1="${thresholdY}" y2="${thresholdY}"/><text class="axis threshold-label" x="${PLOT.left - 6}" y="${coordinate(yOf(alarm.threshold) + 4)}" text-anchor="end">${escapeHtml(valueText(alarm.threshold))}</text>`;
  const line =
    read.length > 1
      ? `<polyline class="alarm-line" points="${read.map(({ atMs, value }) => `${coordinate(xOf(span, atMs))},${coordinate(yOf(value))}`).join(' ')}"/>`
      : '';
  const dots = read
    .map(({ atMs, value }) => {
      const breached = breaches(alarm, value);
      const dot = `<circle class="sample${breached ? ' breach' : ''}" data-value="${escapeHtml(value)}" cx="${coordinate(xOf(span, atMs))}" cy="${coordinate(yOf(value))}" r="2.5"`;
      // Only a breach is labelled: a label on every dot would be most of a page that is fetched every 2 s.
      return breached
        ? `${dot}><title>${escapeHtml(`${valueText(value)} at ${new Date(atMs).toISOString()} (breach)`)}</title></circle>`
        : `${dot}/>`;
    })
    .join('');
  const ticks = [...unread]
    .map((x) => `<line class="unread" x1="${x}" x2="${x}" y1="${PLOT.bottom}" y2="${PLOT.bottom - 8}"/>`)
    .join('');
  const empty =
    read.length + unread.size === 0
      ? `<text class="empty" x="${(PLOT.left + PLOT.right) / 2}" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle">Not evaluated yet</text>`
      : '';
  const label = `${alarm.name} against its threshold ${alarm.comparator} ${alarm.threshold}`;
  return frame(label, 'chart alarm-chart', `${threshold}${line}${dots}${ticks}${empty}`, span);
}
