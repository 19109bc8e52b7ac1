/**
 * The page's drawing of what the bot sent: Slack's mrkdwn (with users by display name), the Block Kit
 * blocks the bot uses, and a message with its author and time. Plain browser JavaScript, kept free
 * of the DOM so that a test can run it as it is. Every text is escaped for HTML once, here.
 */
export const PAGE_RENDER = String.raw`
let names = {};
const setNames = (next) => { names = next || {}; };
const nameOf = (user) => names[user] || user;
const esc = (t) => String(t).replace(/&/g,'&amp;').replace(/</g,'&lt;').replace(/>/g,'&gt;').replace(/"/g,'&quot;').replace(/'/g,'&#39;');
// Slack's markup is in raw angle brackets; the text around it is escaped for Slack (& < >), so it is
// decoded once here, then escaped for HTML.
const unslack = (t) => String(t).replace(/&lt;/g,'<').replace(/&gt;/g,'>').replace(/&amp;/g,'&');
function markup(inner) {
  const date = /^!date\^\d+\^[^|]*\|(.*)$/.exec(inner);
  if (date) return esc(unslack(date[1]));
  if (/^!subteam\^/.test(inner)) return '<span class="mention">@on-call</span>';
  const user = /^@([A-Z0-9_]+)/.exec(inner);
  if (user) return '<span class="mention">@' + esc(nameOf(user[1])) + '</span>';
  const [target, label] = inner.split('|');
  return esc(unslack(label ?? (target.startsWith('!') ? '@' + target.slice(1) : target)));
}
function mrkdwn(t) {
  return String(t ?? '').split(/(<[^<>]*>)/).map((part, i) => (i % 2 ? markup(part.slice(1, -1)) : esc(unslack(part)))).join('')
    .replace(/\*([^*\n]+)\*/g, '<b>$1</b>').replace(/\x60([^\x60\n]+)\x60/g, '<code>$1</code>').replace(/\n/g, '<br>');
}
const plain = (text) => esc(text && text.text !== undefined ? text.text : '');
function input(b) {
  const e = b.element || {};
  const data = ' data-block="' + esc(b.block_id) + '" data-action="' + esc(e.action_id) + '" data-type="' + esc(e.type) + '"' + (e.max_length ? ' maxlength="' + Number(e.max_length) + '"' : '');
  const field = e.type !== 'plain_text_input' ? '<div class="ctx">(an input of type ' + esc(e.type) + ' the sandbox does not draw)</div>'
    : e.multiline ? '<textarea' + data + ' rows="4"></textarea>' : '<input' + data + '>';
  return '<label class="field">' + plain(b.label) + field + '</label><div class="field-error" data-error-for="' + esc(b.block_id) + '"></div>';
}
function button(e, where, blockId) {
  return '<button class="btn ' + esc(e.style || '') + '" data-action="' + esc(e.action_id) + '" data-block="' + esc(blockId || '') + '" data-value="' + esc(e.value || '') + '" data-confirm="' + esc(e.confirm ? unslack(e.confirm.text.text) : '') + '" data-channel="' + esc(where.channel || '') + '" data-ts="' + esc(where.ts || '') + '">' + plain(e.text) + '</button>';
}
function blocks(list, where) {
  return (list || []).map((b) => {
    if (b.type === 'header') return '<h3>' + plain(b.text) + '</h3>';
    if (b.type === 'section') return '<div>' + (b.text ? mrkdwn(b.text.text) : '') + (b.fields || []).map((f) => '<div>' + mrkdwn(f.text) + '</div>').join('') + '</div>';
    if (b.type === 'context') return '<div class="ctx">' + b.elements.map((e) => mrkdwn(e.text)).join(' · ') + '</div>';
    if (b.type === 'divider') return '<hr>';
    if (b.type === 'input') return input(b);
    if (b.type === 'actions') return '<div>' + b.elements.map((e) => button(e, where, b.block_id)).join('') + '</div>';
    return '';
  }).join('');
}
// The viewer's local time of day, on a 24-hour clock.
const clock = (ms) => { const d = new Date(ms); return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':'); };
function message(m) {
  const meta = '<div class="meta"><b class="author">' + esc(nameOf(m.user || 'U0MECBOT')) + '</b> <span class="app-tag">APP</span> <time>' + esc(clock(m.postedAt)) + '</time>' + (m.editedAt ? ' <span class="ctx">(edited)</span>' : '') + (m.only ? ' <span class="ctx">Only visible to you</span>' : '') + '</div>';
  return '<div class="msg">' + meta + (m.blocks && m.blocks.length ? blocks(m.blocks, m) : mrkdwn(m.text)) + '</div>';
}
`;
