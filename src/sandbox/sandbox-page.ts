import { PAGE_RENDER } from './page-render.js';
import { PAGE_SCRIPT } from './page-script.js';

const STYLE = `
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1c1d;background:#f8f8f8;height:100vh;display:flex;flex-direction:column}
header{background:#3f0e40;color:#fff;padding:8px 16px;display:flex;gap:12px;align-items:center}
header h1{font-size:16px;margin:0 12px 0 0}select,input,textarea,button{font:inherit}
#banner:empty{display:none}.banner{padding:8px 16px;font-weight:500}.banner.open{background:#e01e5a;color:#fff}.banner.resolved{background:#e3f7ec;color:#0b5d3b}
.app{flex:1;display:grid;grid-template-columns:240px 1fr 320px;min-height:0}
nav{background:#3f0e40;color:#d8c6d9;padding:8px;overflow:auto}nav h2{font-size:12px;text-transform:uppercase;margin:12px 4px 4px;color:#bca7bd}
.chan{display:flex;justify-content:space-between;width:100%;background:none;border:0;color:inherit;text-align:left;padding:4px 8px;border-radius:4px;cursor:pointer}
.chan.current{background:#1164a3;color:#fff}.badge{background:#e01e5a;color:#fff;border-radius:9px;padding:0 7px;font-size:12px;font-weight:700}
.alarm{background:#ffffff14;border-radius:4px;padding:6px;margin:4px 0;font-size:13px}.sev{font-size:11px;padding:0 4px;border-radius:3px;background:#ffffff30}
.sev.BLOCKER{background:#e01e5a;color:#fff}.sev.CRITICAL{background:#e8912d;color:#fff}#alarm-note{font-size:12px;margin:4px}
nav code{color:#3f0e40}#pane{overflow:auto;background:#fff;padding:8px 16px}aside{overflow:auto;border-left:1px solid #ddd;background:#fff;padding:8px 12px}
.msg{border-bottom:1px solid #eee;padding:8px 0}.thread{margin-left:24px;border-left:3px solid #ddd;padding-left:8px}
.meta{margin-bottom:2px}.app-tag{font-size:10px;background:#eee;border-radius:3px;padding:0 3px;color:#616061}time{color:#616061;font-size:12px}
.ctx{color:#616061;font-size:12px}.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
.btn{margin:4px 6px 0 0;padding:4px 10px;border:1px solid #bbb;border-radius:4px;background:#fff;color:#1d1c1d;cursor:pointer}
.primary{background:#007a5a;color:#fff;border-color:#007a5a}.danger{background:#e01e5a;color:#fff;border-color:#e01e5a}
code{background:#f4f4f4;padding:0 3px;border-radius:3px;font-size:12px;word-break:break-all}h2{font-size:15px;margin:8px 0}
footer{padding:8px 12px;display:flex;gap:8px;border-top:1px solid #ddd;background:#fff}footer input{flex:1;padding:6px}
#modal-layer{position:fixed;inset:0;background:#0006;display:flex;align-items:center;justify-content:center}#modal-layer[hidden]{display:none}
#modal{background:#fff;border-radius:8px;width:520px;max-height:80vh;overflow:auto;box-shadow:0 8px 30px #0005}
.modal-head,.modal-foot{display:flex;justify-content:space-between;align-items:center;padding:12px 16px}.modal-foot{justify-content:flex-end;border-top:1px solid #eee}
.modal-body{padding:0 16px}.x{border:0;background:none;font-size:20px;cursor:pointer}.field{display:block;font-weight:600;margin-top:8px}
.field textarea,.field input{display:block;width:100%;box-sizing:border-box;margin-top:4px;padding:6px;font-weight:400}
.field-error,.modal-error{color:#e01e5a;font-size:13px}.modal-error{padding:0 16px}
`;

/**
 * The sandbox page: a small Slack look-alike. Channels and App Home in a sidebar, with the alarms
 * that can be injected; the chosen channel in the middle; what only you can see on the right; and
 * modals over it all. Its script polls the sandbox and posts back as the person chosen at the top.
 */
export const SANDBOX_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mec-bot sandbox</title><style>${STYLE}</style></head><body>
<header><h1>mec-bot sandbox</h1><label>You are <select id="user"></select></label><button class="btn" id="home">Open App Home</button></header>
<div id="banner"></div>
<div class="app">
<nav><h2>Channels</h2><div id="channels"></div><h2>Alarms (as Alertmanager)</h2><div id="alarms"></div><div id="alarm-note"></div>
<h2>Demo</h2><div class="ctx" style="color:#bca7bd;margin:4px">History is kept across restarts. For a fresh demo: stop the bot, run <code>npm run sandbox:reset</code>, start again.</div></nav>
<main id="pane"><section id="view-release"><h2># release</h2><div id="release"></div></section>
<section id="view-incident" hidden><h2># incident</h2><div id="incident"></div></section>
<section id="view-home" hidden><h2>App Home</h2><div id="homeview"></div></section></main>
<aside><h2>Only you can see these</h2><div id="private"></div></aside>
</div>
<footer><input id="text" placeholder="/mec help" aria-label="command"><button class="btn primary" id="send">Send</button></footer>
<div id="modal-layer" hidden><div id="modal" role="dialog" aria-modal="true" aria-labelledby="modal-title"></div></div>
<script>${PAGE_RENDER}${PAGE_SCRIPT}</script></body></html>
`;
