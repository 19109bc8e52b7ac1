/**
 * The sandbox page: a small Slack look-alike. It polls the sandbox for the channels, private replies,
 * modals and App Home, renders the Block Kit the bot sent, and posts back commands, clicks and modal
 * submissions as the person chosen at the top.
 */
export const SANDBOX_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mec-bot sandbox</title>
<style>
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1c1d;background:#f8f8f8}
header{background:#3f0e40;color:#fff;padding:10px 16px;display:flex;gap:12px;align-items:center}
header h1{font-size:16px;margin:0 12px 0 0}select,input,textarea,button{font:inherit}
main{display:grid;grid-template-columns:2fr 1fr;gap:12px;padding:12px;height:calc(100vh - 120px)}
.pane{background:#fff;border:1px solid #ddd;border-radius:6px;overflow:auto;padding:8px 12px}
.msg{border-bottom:1px solid #eee;padding:8px 0}.thread{margin-left:24px;border-left:3px solid #ddd;padding-left:8px}
.ctx{color:#616061;font-size:12px}.btn{margin:4px 6px 0 0;padding:4px 10px;border:1px solid #bbb;border-radius:4px;background:#fff;cursor:pointer}
.primary{background:#007a5a;color:#fff;border-color:#007a5a}.danger{background:#e01e5a;color:#fff;border-color:#e01e5a}
code{background:#f4f4f4;padding:0 3px;border-radius:3px;font-size:12px;word-break:break-all}h2{font-size:14px;margin:8px 0}
footer{padding:0 12px 12px;display:flex;gap:8px}footer input{flex:1;padding:6px}
.modal{border:2px solid #3f0e40;border-radius:6px;padding:8px;margin-bottom:8px}
</style></head><body>
<header><h1>mec-bot sandbox</h1><label>You are <select id="user"></select></label><button class="btn" id="home">Open App Home</button></header>
<main><div class="pane"><h2># release</h2><div id="release"></div><h2># incident</h2><div id="incident"></div></div>
<div class="pane"><h2>Only you can see these</h2><div id="modal"></div><div id="private"></div><h2>App Home</h2><div id="homeview"></div></div></main>
<footer><input id="text" placeholder="/mec help" aria-label="command"><button class="btn primary" id="send">Send</button></footer>
<script>
const $ = (id) => document.getElementById(id);
let state = null;
const esc = (t) => String(t).replace(/&/g,'&amp;').replace(/</g,'&lt;').replace(/>/g,'&gt;').replace(/"/g,'&quot;').replace(/'/g,'&#39;');
// Slack's markup is in raw angle brackets; the text around it is escaped for Slack (& < >), so it is
// decoded once here, then escaped for HTML.
const unslack = (t) => String(t).replace(/&lt;/g,'<').replace(/&gt;/g,'>').replace(/&amp;/g,'&');
function markup(inner) {
  const date = /^!date\\^\\d+\\^[^|]*\\|(.*)$/.exec(inner);
  if (date) return esc(unslack(date[1]));
  if (/^!subteam\\^/.test(inner)) return '@on-call';
  const user = /^@([A-Z0-9_]+)/.exec(inner);
  if (user) return '@' + esc(user[1]);
  const [target, label] = inner.split('|');
  return esc(unslack(label ?? (target.startsWith('!') ? '@' + target.slice(1) : target)));
}
function mrkdwn(t) {
  return String(t).split(/(<[^<>]*>)/).map((part, i) => (i % 2 ? markup(part.slice(1, -1)) : esc(unslack(part)))).join('')
    .replace(/\\*([^*\\n]+)\\*/g, '<b>$1</b>').replace(/\`([^\`\\n]+)\`/g, '<code>$1</code>').replace(/\\n/g, '<br>');
}
function blocks(list, where) {
  return (list || []).map((b) => {
    if (b.type === 'header') return '<h3>' + esc(b.text.text) + '</h3>';
    if (b.type === 'section') return '<div>' + mrkdwn(b.text.text) + '</div>';
    if (b.type === 'context') return '<div class="ctx">' + b.elements.map((e) => mrkdwn(e.text)).join(' · ') + '</div>';
    if (b.type === 'divider') return '<hr>';
    if (b.type === 'input') return '<label>' + esc(b.label.text) + '<br><textarea data-block="' + esc(b.block_id) + '" data-action="' + esc(b.element.action_id) + '" rows="3" cols="40"></textarea></label>';
    if (b.type === 'actions') return '<div>' + b.elements.map((e) => '<button class="btn ' + (e.style || '') + '" data-action="' + esc(e.action_id) + '" data-value="' + esc(e.value || '') + '" data-confirm="' + esc(e.confirm ? unslack(e.confirm.text.text) : '') + '" data-channel="' + esc(where.channel) + '" data-ts="' + esc(where.ts) + '">' + esc(e.text.text) + '</button>').join('') + '</div>';
    return '';
  }).join('');
}
const message = (m) => '<div class="msg">' + (m.blocks && m.blocks.length ? blocks(m.blocks, m) : mrkdwn(m.text)) + '</div>';
function channel(id) {
  const all = state.messages.filter((m) => m.channel === id);
  return all.filter((m) => !m.threadTs).map((m) => message(m) + '<div class="thread">' + all.filter((r) => r.threadTs === m.ts).map(message).join('') + '</div>').join('') || '<div class="ctx">No messages yet.</div>';
}
function render() {
  const user = $('user').value;
  $('release').innerHTML = channel(state.channels.release);
  $('incident').innerHTML = channel(state.channels.incident);
  $('private').innerHTML = state.ephemeral.filter((e) => e.user === user).reverse().slice(0, 8).map((e) => message({ ...e, channel: '', ts: '' })).join('');
  const modal = state.modals.filter((m) => m.user === user).at(-1);
  $('modal').innerHTML = modal && modal.view ? '<div class="modal"><b>' + esc(modal.view.title.text) + '</b>' + blocks(modal.view.blocks, {}) + '<br><button class="btn primary" id="submit">' + esc(modal.view.submit.text) + '</button></div>' : '';
  if (modal && modal.view) $('submit').onclick = () => submitModal(user, modal.view);
  const home = state.homes.filter((h) => h.user === user).at(-1);
  $('homeview').innerHTML = home ? blocks(home.view.blocks, {}) : '<div class="ctx">Not opened yet.</div>';
}
async function poll() {
  state = await (await fetch('/sandbox/state')).json();
  if (!$('user').options.length) $('user').innerHTML = state.people.map((p) => '<option value="' + esc(p.user) + '">' + esc(p.role) + ' (' + esc(p.user) + ')</option>').join('');
  render();
}
const send = (path, body) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(poll);
function submitModal(user, view) {
  const area = document.querySelector('#modal textarea');
  send('/sandbox/submit', { user, callbackId: view.callback_id, metadata: view.private_metadata, block: area.dataset.block, action: area.dataset.action, value: area.value });
}
document.addEventListener('click', (event) => {
  const b = event.target.closest('button[data-action]');
  if (!b) return;
  if (b.dataset.confirm && !window.confirm(b.dataset.confirm)) return;
  send('/sandbox/click', { user: $('user').value, actionId: b.dataset.action, value: b.dataset.value, channel: b.dataset.channel, ts: b.dataset.ts });
});
$('send').onclick = () => { const text = $('text').value.replace(/^\\/mec\\s*/, ''); $('text').value = ''; send('/sandbox/command', { user: $('user').value, text }); };
$('text').addEventListener('keydown', (event) => { if (event.key === 'Enter') $('send').click(); });
$('home').onclick = () => send('/sandbox/home', { user: $('user').value });
$('user').onchange = render;
poll();
setInterval(poll, 1000);
</script></body></html>
`;
