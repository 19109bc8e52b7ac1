import { createHash } from 'node:crypto';

/** How often the page asks for itself again, in milliseconds. */
const REFRESH_MS = 2_000;

/**
 * The page's one script. Every `REFRESH_MS` it fetches the page again from where it was served and
 * swaps the fresh `#content` and `#footer` in, so the page never reloads and a parsed copy runs no
 * script; and every second it redraws each `[data-ends-at]` countdown by the server's clock (the skew
 * read from `data-generated-at`). Opened as a file (a snapshot), it only counts down.
 */
export const DASHBOARD_SCRIPT = `(() => {
  let skewMs = 0;
  const sync = (doc) => {
    const at = Date.parse(doc.body.dataset.generatedAt || '');
    if (!Number.isNaN(at)) skewMs = at - Date.now();
  };
  const left = (ms) => {
    const total = Math.ceil(ms / 1000);
    if (total <= 0) return 'ending now';
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const parts = [hours ? hours + ' h' : '', hours || minutes ? minutes + ' min' : '', (total % 60) + ' s'];
    return parts.filter(Boolean).join(' ') + ' left';
  };
  const tick = () => {
    for (const element of document.querySelectorAll('[data-ends-at]'))
      element.textContent = left(Date.parse(element.dataset.endsAt) - (Date.now() + skewMs));
  };
  const live = (text) => {
    const element = document.getElementById('live');
    if (element) element.textContent = text;
  };
  // Never rejects: a failed fetch or body read is shown, and the next try is scheduled either way.
  const refresh = async () => {
    const answer = await fetch(location.href, { cache: 'no-store' })
      .then(async (response) =>
        response.ok ? { html: await response.text() } : { why: 'the bot answered ' + response.status },
      )
      .catch((error) => ({ why: error.message }));
    if ('html' in answer) {
      const fresh = new DOMParser().parseFromString(answer.html, 'text/html');
      for (const id of ['content', 'footer']) {
        const now = fresh.getElementById(id);
        const shown = document.getElementById(id);
        if (now && shown) shown.replaceWith(document.importNode(now, true));
      }
      sync(fresh);
      tick();
      live('live, updated ' + new Date().toLocaleTimeString());
    } else live('not updating (' + answer.why + '); retrying');
    setTimeout(refresh, ${REFRESH_MS});
  };
  sync(document);
  tick();
  setInterval(tick, 1000);
  if (location.protocol === 'http:' || location.protocol === 'https:') {
    live('live');
    setTimeout(refresh, ${REFRESH_MS});
  }
})();`;

/**
 * The page's Content-Security-Policy: its own script (by hash) and inline styles only, requests only
 * to where it was served, nothing else from anywhere. A script injected into the page would not run.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${createHash('sha256').update(DASHBOARD_SCRIPT).digest('base64')}'`,
  "style-src 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * A countdown's text as the script draws it, in the words of the Slack messages (describeCountdown):
 * `1 h 4 min 9 s left`, `4 min 59 s left`, `ending now`.
 */
export function timeLeftText(leftMs: number): string {
  const total = Math.ceil(leftMs / 1_000);
  if (total <= 0) return 'ending now';
  const hours = Math.floor(total / 3_600);
  const minutes = Math.floor((total % 3_600) / 60);
  const parts = [hours ? `${hours} h` : '', hours || minutes ? `${minutes} min` : '', `${total % 60} s`];
  return `${parts.filter(Boolean).join(' ')} left`;
}
