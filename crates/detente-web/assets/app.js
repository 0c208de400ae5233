// detente workbench: the page. It edits the model's JSON form, which the server
// defines, and renders the server's answers; it holds no model format and makes no
// judgement of its own. Built with Preact and htm, served as they are (no build step).

import { render } from "preact";
import { W, api, failure } from "./api.js";
import { A, stale } from "./analysis.js";
import { Editor } from "./editor.js";
import { GraphPanel, StatePanel } from "./explore.js";
import { FurtherAnalyses } from "./panels.js";
import { ResultsTop } from "./results.js";
import { S, busy, closeModel, confirmDiscard, loadExample, loadText, openBlank, openDoc, redo, refresh, runCheck, savedModel, setRenderer, showBanner, undo } from "./store.js";
import { fromForm } from "./form.js";
import { WorkBar, html } from "./ui.js";

/** The most a file may weigh: the server's body limit. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

async function upload(e) {
  const input = e.currentTarget;
  const file = input.files[0];
  input.value = "";
  if (!file) return;
  if (file.size > MAX_FILE_BYTES) {
    showBanner(`${file.name} is ${(file.size / 1048576).toFixed(1)} MiB; the workbench takes files up to 4 MiB.`);
    return;
  }
  const text = await file.text();
  confirmDiscard(`open ${file.name}`, () => loadText(text, file.name));
}

function OpenModel() {
  return html`<button type="button" class="secondary menu-button" aria-expanded=${S.menu ? "true" : "false"} aria-controls="open-model"
      onClick=${() => { S.menu = !S.menu; refresh(); }}>Open…</button>
    <div class=${"open-model" + (S.menu ? " open" : "")} id="open-model" role="group" aria-label="Open a model">
    <label for="example-select">Example</label>
    <select id="example-select">${S.examples.map((e) => html`<option value=${e.name}>${e.title}</option>`)}</select>
    <button type="button" id="load-example" onClick=${() => {
      const name = document.getElementById("example-select").value;
      confirmDiscard("open the example", () => loadExample(name));
    }}>Open example</button>
    <input type="file" id="file-input" class="visually-hidden" accept=".toml,.gmcr,.json" onChange=${upload} />
    <label class="button secondary" for="file-input">Upload .toml / .gmcr…</label>
    <button type="button" id="blank-model" class="secondary" onClick=${() => confirmDiscard("start a blank model", openBlank)}>Blank model</button>
  </div>`;
}

function TopBar() {
  return html`<header class="topbar">
    <h1><button type="button" class="home" title="Back to the start" onClick=${() => confirmDiscard("close the model", closeModel)}>detente <span>workbench</span></button></h1>
    ${S.doc ? html`<${OpenModel} />` : null}
    <a class="api-link" href="/api/openapi.json">API</a>
  </header>`;
}

function Banner() {
  if (!S.banner) return null;
  return html`<div id="banner" role="alert"><strong>${S.banner.message}</strong>${S.banner.detail ? html`<span> ${S.banner.detail}</span>` : null}
    <button type="button" class="small secondary" onClick=${() => { S.banner = null; refresh(); }}>Dismiss</button></div>`;
}

/** The start: what detente does, and the ways in. */
function Landing() {
  const [first, ...classics] = S.examples;
  return html`<main id="landing" class="landing">
    <h2>Where can this conflict settle, and will the deal on the table hold?</h2>
    <p class="lead">detente describes a conflict as its parties, the options each one controls and what each prefers,
      and works out which outcomes are stable: those no party can leave to its own advantage, or only at a price that holds it back.
      It tells you, in plain words, whether today's situation or a proposed settlement holds, who is tempted to break it, and what deters them.</p>
    ${first ? html`<div class="landing-main">
      <button type="button" class="primary big" data-example=${first.name} onClick=${() => loadExample(first.name)}>Open the ${first.title}</button>
      <p class="hint">A worked scenario: the parties, their options and their preferences, with the sources behind them.</p>
    </div>` : null}
    <h3>Classic cases</h3>
    <ul class="classics">${classics.map((e) => html`<li><button type="button" class="secondary" data-example=${e.name} onClick=${() => loadExample(e.name)}>${e.title}</button></li>`)}</ul>
    <h3>Your own model</h3>
    <div class="landing-own">
      <input type="file" id="landing-file" class="visually-hidden" accept=".toml,.gmcr,.json" onChange=${upload} />
      <label class="button secondary" for="landing-file">Upload a .toml or GMCR+ .gmcr file…</label>
      <button type="button" id="landing-blank" class="secondary" onClick=${openBlank}>Start a blank model</button>
    </div>
  </main>`;
}

/** Asks before discarding edits (`confirmDiscard`), or another question (`confirmLarge`).
 * Escape answers no; the page alone closes the dialog, when the question is answered (the
 * `close` event comes later, possibly once the next question is up). */
function ConfirmDialog() {
  const c = S.confirm;
  const close = () => {
    const declined = S.confirm && S.confirm.declined;
    S.confirm = null;
    refresh();
    if (declined) declined();
  };
  const agree = () => { const act = c.action; S.confirm = null; refresh(); act(); };
  return html`<dialog id="confirm-dialog" ref=${(el) => { if (el && c && !el.open) el.showModal(); if (el && !c && el.open) el.close(); }}
      onCancel=${(e) => { e.preventDefault(); close(); }}>
    ${c && c.title ? html`<p><strong>${c.title}</strong></p>
      <p>${c.text}</p>
      <div class="dialog-buttons">
        <button type="button" id="confirm-keep" class="secondary" onClick=${close}>${c.no}</button>
        <button type="button" id="confirm-discard" class="primary" onClick=${agree}>${c.yes}</button>
      </div>` : c ? html`<p><strong>Your edits to “${S.doc.name || "this model"}” have not been exported.</strong></p>
      <p>To ${c.what}, the page replaces the model you are editing. Export it first (Model .toml under Export) to keep a copy.</p>
      <div class="dialog-buttons">
        <button type="button" id="confirm-keep" class="secondary" onClick=${close}>Keep editing</button>
        <button type="button" id="confirm-discard" class="danger" onClick=${agree}>Discard my edits</button>
      </div>` : null}
  </dialog>`;
}

function RestoredNote() {
  if (!S.restored) return null;
  const when = new Date(S.restored.savedAt);
  return html`<div class="restored-note" role="status" id="restored-note">Restored the model you were editing (saved ${when.toLocaleString()}).
    <button type="button" class="small secondary" onClick=${() => { S.restored = null; refresh(); }}>OK</button></div>`;
}

function Tabs() {
  const tab = (name, label) => html`<button type="button" role="tab" id=${`tab-${name}`} aria-selected=${S.tab === name ? "true" : "false"}
    aria-controls=${name === "model" ? "editor" : "results"} onClick=${() => { S.tab = name; refresh(); window.scrollTo(0, 0); }}>${label}</button>`;
  return html`<div class="tabs" role="tablist" aria-label="Show">${tab("model", "Model")}${tab("analysis", stale() ? "Analysis (out of date)" : "Analysis")}</div>`;
}

function Workbench() {
  return html`<${Tabs} />
    <div class="layout" data-tab=${S.tab}>
      <${Editor} />
      <section id="results" class=${"panel" + (stale() ? " stale" : "")} data-stale=${stale() ? "true" : undefined} aria-labelledby="results-title">
        <${ResultsTop} />
        ${A.results ? html`<${StatePanel} /><${GraphPanel} /><${FurtherAnalyses} />` : null}
      </section>
    </div>`;
}

function App() {
  return html`<a class="skip" href="#results">Skip to the analysis</a>
    <${TopBar} />
    <${Banner} />
    <${RestoredNote} />
    <${WorkBar} />
    ${S.doc ? html`<${Workbench} />` : html`<${Landing} />`}
    <${ConfirmDialog} />`;
}

const root = document.getElementById("app");
setRenderer(() => render(html`<${App} />`, root));
W.onChange = refresh;

document.addEventListener("keydown", (e) => {
  if (!(e.ctrlKey || e.metaKey) || !S.doc || S.confirm) return;
  const key = e.key.toLowerCase();
  if (key === "z" && !e.shiftKey) undo();
  else if ((key === "z" && e.shiftKey) || key === "y") redo();
  else return;
  e.preventDefault();
});

// Edits are saved in the browser as they are made; only when it refuses to keep them
// would leaving the page lose them.
window.addEventListener("beforeunload", (e) => {
  if (S.unsaved) e.preventDefault();
});

/** Opens what the address asks for, `#example=cuban` or `#blank`, once: the address is then
 * cleared, so that a reload restores the edits rather than asking again. */
function openAsked() {
  const asked = /^#example=(.+)$/.exec(location.hash);
  const blank = location.hash === "#blank";
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  if (asked && S.examples.some((e) => e.name === asked[1])) return () => loadExample(asked[1]);
  if (blank) return openBlank;
  return null;
}

window.addEventListener("hashchange", () => {
  const open = openAsked();
  if (open) confirmDiscard("open what the address asks for", open);
});

const start = () => busy(async () => {
  try {
    const [examples, concepts] = await Promise.all([api("/api/examples"), api("/api/concepts")]);
    S.examples = examples.payload;
    S.concepts = concepts.payload;
  } catch (e) {
    showBanner("Cannot reach the detente server: " + failure(e).message);
    return;
  }
  // What the address asks for; otherwise the model this browser was editing, or the start.
  const asked = openAsked();
  const saved = savedModel();
  if (asked) await asked();
  else if (saved) {
    openDoc(fromForm(saved.form), saved.fileName, saved.dirty);
    S.restored = { savedAt: saved.savedAt };
    await runCheck();
  } else refresh();
});

start();
