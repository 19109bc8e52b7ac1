/**
 * The page's behaviour: it polls the sandbox once a second and redraws only the parts whose content
 * changed, so an open modal and the text typed in it are never replaced. Channels sit in a sidebar
 * with unread badges; an incident is flagged in a banner above every view; each configured alarm can
 * be injected and cleared; commands, clicks, modal submissions and closes go back as the person
 * chosen at the top. Plain browser JavaScript; the drawing of messages is in page-render.ts.
 */
export const PAGE_SCRIPT = String.raw`
const $ = (id) => document.getElementById(id);
let state = null;
let view = 'release';
let shownModal = null;
// Modals this page closed: a poll that left before the close reached the sandbox must not reopen them.
const dismissed = new Set();
const drawn = new WeakMap();
// Replaces a region only when what it would show changed: nothing focused or typed in it is lost.
function put(el, html) {
  if (drawn.get(el) === html) return false;
  drawn.set(el, html);
  el.innerHTML = html;
  return true;
}
const readKey = (key) => 'mec-sandbox-read-' + key;
const lastRead = (key) => Number(localStorage.getItem(readKey(key)) || 0);
function channelHtml(id) {
  const all = state.messages.filter((m) => m.channel === id).sort((a, b) => Number(a.ts) - Number(b.ts));
  return all.filter((m) => !m.threadTs).map((m) => {
    const replies = all.filter((r) => r.threadTs === m.ts);
    return message(m) + (replies.length ? '<div class="thread"><div class="ctx">' + replies.length + ' repl' + (replies.length === 1 ? 'y' : 'ies') + '</div>' + replies.map(message).join('') + '</div>' : '');
  }).join('') || '<div class="ctx">No messages yet.</div>';
}
const isResolved = (m) => JSON.stringify(m.blocks || []).includes('Resolved at');
function incidentBanner() {
  const roots = state.messages.filter((m) => m.channel === state.channels.incident && !m.threadTs).sort((a, b) => Number(a.ts) - Number(b.ts));
  const open = roots.filter((m) => !isResolved(m));
  const latest = open.at(-1) || roots.at(-1);
  if (!latest) return '';
  const title = (latest.blocks || []).find((b) => b.type === 'header');
  const name = esc(title ? title.text.text : latest.text);
  if (open.length) return '<div class="banner open" role="alert">🚨 <b>Incident open</b>: ' + name + (open.length > 1 ? ' (and ' + (open.length - 1) + ' more)' : '') + ' <button class="btn" data-go="incident">Open #incident</button></div>';
  if (localStorage.getItem('mec-sandbox-dismissed') === latest.ts) return '';
  return '<div class="banner resolved" role="status">✅ <b>Incident resolved</b>: ' + name + ' <button class="btn" data-go="incident">Open #incident</button> <button class="btn" data-dismiss="' + esc(latest.ts) + '">Dismiss</button></div>';
}
function sidebar() {
  const unread = (key) => {
    if (key === view) return 0;
    return state.messages.filter((m) => m.channel === state.channels[key] && m.postedAt > lastRead(key)).length;
  };
  const item = (key, label, count) => '<button class="chan' + (key === view ? ' current' : '') + '" data-go="' + key + '">' + label + (count ? ' <span class="badge" data-unread="' + key + '">' + count + '</span>' : '') + '</button>';
  put($('channels'), item('release', '# release', unread('release')) + item('incident', '# incident', unread('incident')) + item('home', '🏠 App Home', 0));
  put($('alarms'), state.alarms.map((a) => '<div class="alarm" data-alarm-row="' + esc(a.name) + '"><b>' + esc(a.name) + '</b> <span class="sev ' + esc(a.severity) + '">' + esc(a.severity) + '</span> <span class="state">' + (a.firing ? 'firing' : 'quiet') + '</span><br>' +
    '<button class="btn danger" data-alarm="' + esc(a.name) + '" data-status="firing">Inject</button><button class="btn" data-alarm="' + esc(a.name) + '" data-status="resolved">Clear</button></div>').join(''));
}
function render() {
  const user = $('user').value;
  setNames(state.names);
  if (view !== 'home') localStorage.setItem(readKey(view), String(Date.now()));
  sidebar();
  put($('banner'), incidentBanner());
  for (const key of ['release', 'incident', 'home']) $('view-' + key).hidden = key !== view;
  const pane = $('pane');
  const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 40;
  const grew = put($('release'), channelHtml(state.channels.release)) | put($('incident'), channelHtml(state.channels.incident));
  if (grew && atBottom) pane.scrollTop = pane.scrollHeight;
  const home = state.homes.filter((h) => h.user === user).at(-1);
  put($('homeview'), home ? blocks(home.view.blocks, {}) : '<div class="ctx">Not opened yet: choose App Home again to open it.</div>');
  put($('private'), state.ephemeral.filter((e) => e.user === user).reverse().slice(0, 8).map((e) => message({ ...e, user: 'U0MECBOT', postedAt: e.at, only: true })).join('') || '<div class="ctx">Nothing yet.</div>');
  drawModal(state.modals.find((m) => m.user === user && !dismissed.has(m.id)));
}
function drawModal(modal) {
  if (modal && shownModal && modal.id === shownModal.id) return;
  shownModal = modal || null;
  $('modal-layer').hidden = !modal;
  if (!modal) return put($('modal'), '');
  const v = modal.view;
  put($('modal'), '<div class="modal-head"><b id="modal-title">' + plain(v.title) + '</b><button class="x" data-modal-close aria-label="Close">×</button></div>' +
    '<div class="modal-body">' + blocks(v.blocks, {}) + '</div><div class="modal-error" id="modal-error"></div>' +
    '<div class="modal-foot"><button class="btn" id="modal-cancel" data-modal-close>' + esc(v.close ? v.close.text : 'Cancel') + '</button>' +
    (v.submit ? '<button class="btn primary" id="modal-submit">' + plain(v.submit) + '</button>' : '') + '</div>');
  const first = document.querySelector('#modal textarea, #modal input');
  if (first) first.focus();
}
async function poll() {
  try {
    state = await (await fetch('/sandbox/state')).json();
  } catch { return; }
  if (!$('user').options.length) $('user').innerHTML = state.people.map((p) => '<option value="' + esc(p.user) + '">' + esc(p.name) + ' · ' + esc(p.role) + '</option>').join('');
  render();
}
const post = (path, body) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
const send = (path, body) => post(path, body).then(poll);
async function submitModal() {
  const modal = shownModal;
  const values = {};
  for (const field of document.querySelectorAll('#modal [data-block][data-action]')) {
    values[field.dataset.block] = values[field.dataset.block] || {};
    values[field.dataset.block][field.dataset.action] = { type: field.dataset.type, value: field.value };
  }
  $('modal-submit').disabled = true;
  const answer = await post('/sandbox/submit', { user: modal.user, modal: modal.id, values });
  if ($('modal-submit')) $('modal-submit').disabled = false;
  for (const slot of document.querySelectorAll('#modal [data-error-for]')) slot.textContent = (answer.errors || {})[slot.dataset.errorFor] || '';
  $('modal-error').textContent = answer.error || (answer.status && answer.status !== 200 ? 'The bot answered ' + answer.status + '.' : '');
  if (!answer.errors && !answer.error) poll();
}
function closeModal() {
  const modal = shownModal;
  if (!modal) return;
  dismissed.add(modal.id);
  drawModal(null);
  send('/sandbox/close', { user: modal.user, modal: modal.id });
}
async function alarm(name, status) {
  $('alarm-note').textContent = (status === 'firing' ? 'Injecting ' : 'Clearing ') + name + '…';
  const answer = await post('/sandbox/alarm', { alarm: name, status });
  $('alarm-note').textContent = answer.error || ('Alertmanager webhook: ' + status + ' ' + name + ' → ' + answer.status);
  poll();
}
document.addEventListener('click', (event) => {
  const target = event.target.closest('button');
  if (!target) return;
  const d = target.dataset;
  if (d.go) { view = d.go; if (view === 'home') send('/sandbox/home', { user: $('user').value }); return render(); }
  if (d.dismiss) { localStorage.setItem('mec-sandbox-dismissed', d.dismiss); return render(); }
  if (d.alarm) return alarm(d.alarm, d.status);
  if (target.id === 'modal-submit') return submitModal();
  if (d.modalClose !== undefined) return closeModal();
  if (!d.action) return;
  if (d.confirm && !window.confirm(d.confirm)) return;
  send('/sandbox/click', { user: $('user').value, actionId: d.action, block: d.block, value: d.value, channel: d.channel, ts: d.ts });
});
document.addEventListener('keydown', (event) => { if (event.key === 'Escape' && shownModal) closeModal(); });
$('send').onclick = () => { const text = $('text').value.replace(/^\/mec\s*/, ''); $('text').value = ''; send('/sandbox/command', { user: $('user').value, text }); };
$('text').addEventListener('keydown', (event) => { if (event.key === 'Enter') $('send').click(); });
$('home').onclick = () => { view = 'home'; send('/sandbox/home', { user: $('user').value }); };
$('user').onchange = () => { shownModal = null; render(); };
poll();
setInterval(poll, 1000);
`;
