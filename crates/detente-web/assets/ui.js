// Small pieces the whole page uses: concept names with their glossary, states in words,
// lists of states, errors, and counted nouns.

import { h } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import htm from "htm";
import { A, described, selectState } from "./analysis.js";
import { W, cancelJob } from "./api.js";
import { S } from "./store.js";

export const html = htm.bind(h);

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
export const DM_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B"];
export const dmColour = (i) => DM_COLOURS[((i % DM_COLOURS.length) + DM_COLOURS.length) % DM_COLOURS.length];

/** "1 state", "2 states"; `plural` when adding an s will not do. */
export const count = (n, noun, plural) => `${Number(n).toLocaleString()} ${n === 1 ? noun : plural || noun + "s"}`;

/** "A", "A and B", "A, B and C". */
export function andList(items) {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

let terms = 0;

/** A concept's name that opens its glossary entry (the server's words) when clicked. */
export function Term({ concept, children }) {
  const id = useMemo(() => `glossary-${++terms}`, []);
  const c = S.concepts.find((x) => x.key === concept);
  if (!c) return children || concept;
  return html`<button type="button" class="term" popovertarget=${id} data-concept=${c.key}>${children || c.label}</button><span
    id=${id} popover="auto" class="glossary" role="note" ontoggle=${placeBelow}><strong>${c.label}</strong>: ${glossaryText(c)}
    <span class="muted"> A state stable under it holds if ${c.assumes}.</span></span>`;
}

/** The glossary sentence without the concept's name, which the popover shows first. */
const glossaryText = (c) => c.glossary.replace(/^[^:]*:\s*/, "");

/** Puts an opened popover below the button that opened it, within the window. */
function placeBelow(event) {
  if (event.newState !== "open") return;
  const popover = event.target;
  const button = document.querySelector(`[popovertarget="${popover.id}"]`);
  if (!button) return;
  const at = button.getBoundingClientRect();
  const width = popover.offsetWidth;
  popover.style.left = `${Math.max(8, Math.min(at.left, window.innerWidth - width - 8))}px`;
  const below = at.bottom + 6;
  popover.style.top = `${below + popover.offsetHeight > window.innerHeight ? Math.max(8, at.top - popover.offsetHeight - 6) : below}px`;
}

const LABELS = /\b(SEQ&SIM|Nash|GMR|SMR|SEQ|SIM)\b/g;

/** Server text with every concept name in it opening its glossary entry. */
export function WithTerms({ text }) {
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(LABELS)) {
    const c = S.concepts.find((x) => x.label === m[1]);
    if (!c) continue;
    parts.push(text.slice(last, m.index), html`<${Term} concept=${c.key} />`);
    last = m.index + m[1].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/** A state: its number, which selects it, and its description (the options taken there). */
export function StateRef({ id, label, words = true }) {
  const d = words ? described(id) : undefined;
  const badges = d ? [d.status_quo ? "status quo" : null, ...(d.names || [])].filter(Boolean) : [];
  return html`<span class="state-ref"><button type="button" class=${"state-link" + (id === A.selected ? " current" : "")}
    data-state=${id} onClick=${() => selectState(id)}>${label || `state ${id}`}</button>${d
    ? html`<span class="state-words"> ${d.description}${badges.map((b) => html` <span class="badge name-badge">${b}</span>`)}</span>` : null}</span>`;
}

/** States as a list of references, the first `most` of them until asked for all; `total`
 * counts states beyond the list (the server lists at most a few hundred). */
export function StateList({ ids, most = 8, total = ids.length }) {
  const [open, setOpen] = useState(false);
  if (!total) return html`<span class="muted">none</span>`;
  const shown = open ? ids : ids.slice(0, most);
  const unlisted = total - ids.length;
  return html`<ul class="state-list">${shown.map((id) => html`<li key=${id}><${StateRef} id=${id} /></li>`)}</ul>${
    shown.length < ids.length ? html`<button type="button" class="link-button" onClick=${() => setOpen(true)}>Show all ${count(ids.length, "state")}</button>` : null}${
    unlisted > 0 && (open || shown.length === ids.length) ? html`<p class="muted">… and ${count(unlisted, "more state")} not listed here: filter the tableau to see them.</p>` : null}`;
}

/** A failed request's message and the server's help. */
export function ErrorBox({ error }) {
  return html`<div class="error-box"><p class="error-message">${error.message}</p>${error.help ? html`<p class="help">${error.help}</p>` : null}</div>`;
}

export function Pending({ children }) {
  return html`<p class="pending">${children}</p>`;
}

/** What each request is doing, in words. */
const WORK = {
  "/api/check": "Checking the model",
  "/api/import": "Reading the file",
  "/api/tableau": "Analysing",
  "/api/verdicts": "Weighing the verdicts",
  "/api/analyze": "Writing the results",
  "/api/brief": "Writing the brief",
  "/api/explain": "Explaining the state",
  "/api/evolve": "Following the moves",
  "/api/graph": "Drawing the graph",
  "/api/coalitions": "Examining the coalitions",
  "/api/foresight": "Looking ahead",
  "/api/robustness": "Weighing the uncertain preferences",
  "/api/inverse": "Working out the conditions",
  "/api/convert": "Writing the model file",
  "/api/ranking": "Ordering the states",
  "/api/states": "Looking up states",
};

/** Every request running longer than half a second: what it does, how far it has got
 * (the server's count of steps, when it has one) and for how long, and a button that
 * cancels it. */
export function WorkBar() {
  const [, tick] = useState(0);
  const shown = W.running.size > 0;
  useEffect(() => {
    if (!shown) return undefined;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [shown]);
  if (!shown) return null;
  return html`<div id="work" class="work" role="status" aria-live="polite">${[...W.running.values()].map((r) => {
    const p = r.progress;
    const seconds = Math.floor((Date.now() - r.started) / 1000);
    const steps = p && p.of > 0 ? `${Math.min(p.done, p.of).toLocaleString()} of ${count(p.of, "step")}` : "";
    const state = p && p.waiting ? "waiting for a free worker" : steps;
    return html`<div class="work-item" key=${r.job} data-job=${r.job}>
      <span class="work-what">${WORK[r.path] || "Working"}…</span>
      ${p && p.of > 0 && !p.waiting ? html`<progress max=${p.of} value=${Math.min(p.done, p.of)}></progress>` : html`<progress></progress>`}
      <span class="work-how muted">${[state, `${seconds} s`].filter(Boolean).join(" · ")}</span>
      <button type="button" class="secondary small work-cancel" onClick=${() => cancelJob(r.job)}>Cancel</button>
    </div>`;
  })}</div>`;
}
