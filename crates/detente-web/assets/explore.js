// One state explored: for each decision maker and concept, whether it is stable there
// and why; how the conflict gets there from the status quo and where it can go; and
// the graph of moves around it.

import { useEffect } from "preact/hooks";
import { A, conceptLabel, drawGraph, lookOnward, runForesight, runInverse, selectState } from "./analysis.js";
import { refresh } from "./store.js";
import { ErrorBox, Pending, StateRef, Term, count, dmColour, html } from "./ui.js";

const dmIndex = (name) => (A.results ? A.results.tableau.decision_makers.findIndex((d) => d.name === name) : 0);

function Path({ steps }) {
  return html`<ol class="path">${steps.map((s) => html`<li>
    <span class="mover" style=${{ "--dm-colour": dmColour(dmIndex(s.decision_maker)) }}>${s.decision_maker}</span>
    ${` ${s.change} → `}<${StateRef} id=${s.to} />
    <div class="muted">${s.why}</div></li>`)}</ol>`;
}

/** The equilibria an evolution reaches, each with its shortest path. */
function Reachable({ e, from, open }) {
  return html`<details open=${open}>
    <summary>Equilibria reachable from ${from} (${e.reachable_equilibria.length}${e.unlisted_equilibria ? "+" : ""}; ${count(e.reachable_count, "state")} reachable)</summary>
    <ul>${e.reachable_equilibria.map((q) => html`<li><${StateRef} id=${q.state} /> — ${q.concepts.map((k, i) => html`${i ? ", " : ""}<${Term} concept=${k} />`)}
      ${q.path.length ? html`<${Path} steps=${q.path} />` : html`<span class="muted"> (the start itself)</span>`}</li>`)}</ul>
  </details>`;
}

function DmVerdicts({ dm }) {
  const still = dm.verdicts.every((v) => v.improvements.length === 0);
  return html`<section class="verdicts" style=${{ "--dm-colour": dmColour(dmIndex(dm.decision_maker)) }}>
    <h4>${dm.decision_maker}</h4>
    ${still ? html`<p class="stable-note">No move of its own leaves it better off: stable under ${dm.verdicts.map((v, i) => html`${i ? ", " : ""}<${Term} concept=${v.concept} />`)}.</p>` : null}
    <ul hidden=${still}>${dm.verdicts.map((v) => html`<li class=${v.stable ? "stable" : "unstable"} data-concept=${v.concept}>
      <strong><${Term} concept=${v.concept}>${conceptLabel(v.concept)}<//>: ${v.stable ? "stable" : "unstable"}</strong>
      ${v.improvements.length === 0 ? html`<span> — no move of its own leaves it better off.</span>`
        : html`<ul>${v.improvements.map((m) => html`<li>Could move to <${StateRef} id=${m.to} /> (${m.change}): ${m.sanction
          ? html`<span>deterred — ${m.sanction.text}.</span>` : html`<span class="undeterred">not deterred.</span>`}</li>`)}</ul>`}
    </li>`)}</ul>
  </section>`;
}

function Evolution({ evo }) {
  const target = evo.target;
  return html`<section class="evolution"><h4>From the status quo (<${StateRef} id=${evo.start} words=${false} />)</h4>
    ${target.state === evo.start ? html`<p>This is the status quo.</p>`
      : target.reachable ? html`<p>Reachable by unilateral improvements in ${count(target.path.length, "move")}:</p><${Path} steps=${target.path} />`
        : html`<p>Not reachable from the status quo by unilateral improvements.</p>`}
    <${Reachable} e=${evo} from="the status quo" open=${false} />
  </section>`;
}

function scrollToPanel(id) {
  document.getElementById(id)?.scrollIntoView({ behavior: "smooth", block: "start" });
}

export function StatePanel() {
  const x = A.explained;
  useEffect(() => {
    if (x && x.scroll && x.payload) {
      x.scroll = false;
      document.getElementById("state-panel")?.scrollIntoView({ behavior: "smooth", block: "nearest" });
    }
  });
  if (!x) return null;
  const p = x.payload;
  return html`<section id="state-panel" class="subpanel" aria-labelledby="state-title">
    <h3 id="state-title">State ${x.id}</h3>
    <div id="state-body">
      ${x.loading ? html`<${Pending}>Explaining…<//>` : x.error ? html`<${ErrorBox} error=${x.error} />` : html`
        <p class="state-desc"><code>${p.yn}</code> ${p.description}${p.status_quo ? html`<span class="badge sq-badge">status quo</span>` : null}${p.named.map((n) => html`<span class="badge name-badge">${n}</span>`)}</p>
        <div class="verdict-grid" id="explanation">${p.decision_makers.map((dm) => html`<${DmVerdicts} dm=${dm} />`)}</div>
        ${x.evolution ? html`<${Evolution} evo=${x.evolution} />` : null}
        <section class="evolution"><h4>Onward</h4>
          <button type="button" class="secondary small" onClick=${lookOnward}>Where can the conflict go from here?</button>
          <div id="onward">${A.onward ? (A.onward.loading ? html`<${Pending}>Searching…<//>` : A.onward.error ? html`<${ErrorBox} error=${A.onward.error} />`
            : html`<${Reachable} e=${A.onward.payload} from=${`state ${x.id}`} open=${true} />`) : null}</div>
        </section>
        <section class="evolution"><h4>Further analyses of this state</h4>
          <button type="button" class="secondary small" id="state-foresight" onClick=${() => { scrollToPanel("foresight-panel"); runForesight(); }}>Lines of play with foresight</button>${" "}
          <button type="button" class="secondary small" id="state-inverse" onClick=${() => { scrollToPanel("inverse-panel"); runInverse(); }}>What would make it an equilibrium?</button>
        </section>`}
    </div>
  </section>`;
}

// ---------------------------------------------------------------- graph

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element (htm's elements are HTML ones: the graph is built with the DOM's own). */
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) el.setAttribute(k, v);
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Each ring far enough out for its states to sit 46 px apart, and 90 px beyond the last. */
function layout(g) {
  const rings = new Map();
  for (const n of g.nodes) {
    if (!rings.has(n.distance)) rings.set(n.distance, []);
    rings.get(n.distance).push(n);
  }
  const radii = new Map();
  let r = 0;
  for (const d of [...rings.keys()].sort((a, b) => a - b)) {
    r = d === 0 ? 0 : Math.max(r + 90, (rings.get(d).length * 46) / (2 * Math.PI));
    radii.set(d, r);
  }
  const size = Math.max(360, 2 * r + 80);
  const c = size / 2;
  const pos = new Map();
  for (const [d, nodes] of rings) {
    nodes.forEach((n, i) => {
      const a = (2 * Math.PI * i) / nodes.length - Math.PI / 2 + d * 0.35;
      pos.set(n.id, [c + radii.get(d) * Math.cos(a), c + radii.get(d) * Math.sin(a)]);
    });
  }
  return { size, pos };
}

/** The graph as a standalone SVG document: its title says what it shows, its legend the
 * decision makers' colours and the marks, so the downloaded file reads on its own. */
export function graphSvg(g, settings, selected, title) {
  const { size, pos } = layout(g);
  const legendHeight = 22 * (g.decision_makers.length + 3) + 16;
  const defs = s("defs", {}, g.decision_makers.map((_, i) => s("marker", {
    id: `arrow-${i}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse",
  }, s("path", { d: "M0,0 L10,5 L0,10 z", fill: dmColour(i) }))));
  const edges = g.edges.filter((e) => (!settings.improvements || e.improvement) && (!settings.centreOnly || e.from === g.center || e.to === g.center)).map((e) => {
    const [x1, y1] = pos.get(e.from);
    const [x2, y2] = pos.get(e.to);
    const dx = x2 - x1, dy = y2 - y1, len = Math.hypot(dx, dy) || 1;
    const ux = dx / len, uy = dy / len, r = 18;
    // Bend each edge to its left, so moves both ways between two states stay apart.
    const bend = 14;
    const sx = x1 + ux * r, sy = y1 + uy * r, ex = x2 - ux * (r + 2), ey = y2 - uy * (r + 2);
    const mx = (sx + ex) / 2 - uy * bend, my = (sy + ey) / 2 + ux * bend;
    return s("path", {
      d: `M${sx.toFixed(1)},${sy.toFixed(1)} Q${mx.toFixed(1)},${my.toFixed(1)} ${ex.toFixed(1)},${ey.toFixed(1)}`,
      class: e.improvement ? "edge improvement" : "edge", fill: "none", stroke: dmColour(e.dm),
      "stroke-width": e.improvement ? 2.2 : 1.4, opacity: e.improvement ? 1 : 0.75,
      "stroke-dasharray": e.improvement ? null : "5 4", "marker-end": `url(#arrow-${e.dm})`,
    }, s("title", {}, `${g.decision_makers[e.dm]}: state ${e.from} → ${e.to}${e.improvement ? " (improvement)" : ""}`));
  });
  const nodes = g.nodes.map((n) => {
    const [x, y] = pos.get(n.id);
    const eq = n.equilibrium.includes(settings.concept);
    const label = `State ${n.id} (${n.yn}): ${n.description}${n.status_quo ? ", status quo" : ""}${eq ? ", equilibrium" : ""}`;
    const stroke = n.id === selected ? { stroke: "#1a56db", "stroke-width": 4 } : n.status_quo ? { stroke: "#8a5a00", "stroke-width": 2.5 } : { stroke: "#334", "stroke-width": 1.5 };
    const fill = n.status_quo ? "#fff4d6" : "#fff";
    return s("g", {
      class: `node${eq ? " eq" : ""}${n.status_quo ? " sq" : ""}${n.id === selected ? " selected" : ""}`,
      transform: `translate(${x.toFixed(1)},${y.toFixed(1)})`, tabindex: 0, role: "button", "aria-label": label, "data-state": n.id,
    },
    s("title", {}, label),
    eq ? s("circle", { r: 22, class: "eq-ring", fill: "#e8f5e9", stroke: "#1b7f3b", "stroke-width": 3 }) : null,
    n.status_quo ? s("rect", { x: -17, y: -17, width: 34, height: 34, rx: 5, class: "body", fill, ...stroke }) : s("circle", { r: 16, class: "body", fill, ...stroke }),
    s("text", { "text-anchor": "middle", dy: "0.35em", "font-family": "system-ui, sans-serif", "font-size": 12, "font-weight": 600, fill: "#112" }, String(n.id)));
  });
  const line = (i, mark, text) => s("g", { transform: `translate(12, ${size + 24 + 22 * i})` }, mark, s("text", { x: 26, dy: "0.35em", "font-family": "system-ui, sans-serif", "font-size": 13, fill: "#112" }, text));
  const legend = s("g", { class: "legend" },
    g.decision_makers.map((name, i) => line(i, s("line", { x1: 0, x2: 20, y1: 0, y2: 0, stroke: dmColour(i), "stroke-width": 3 }), `${name}'s moves`)),
    line(g.decision_makers.length, s("line", { x1: 0, x2: 20, y1: 0, y2: 0, stroke: "#334", "stroke-width": 2.2 }), "solid: an improvement for the mover; dashed: another move"),
    line(g.decision_makers.length + 1, s("circle", { cx: 10, r: 8, fill: "#e8f5e9", stroke: "#1b7f3b", "stroke-width": 3 }), `ringed in green: an equilibrium under ${settings.conceptLabel}`),
    line(g.decision_makers.length + 2, s("rect", { x: 2, y: -8, width: 16, height: 16, rx: 3, fill: "#fff4d6", stroke: "#8a5a00", "stroke-width": 2 }), "square: the status quo"));
  return s("svg", { xmlns: SVG, viewBox: `0 0 ${size} ${size + legendHeight}`, width: size, height: size + legendHeight, role: "img", "aria-labelledby": "graph-svg-title" },
    s("title", { id: "graph-svg-title" }, title), defs, s("g", {}, edges), s("g", {}, nodes), legend);
}

/** The title of the drawn graph, in words. */
export function graphTitle(g) {
  const model = A.results.tableau.model.name;
  return g.complete ? `${model}: all ${count(g.state_count, "state")} and the moves between them`
    : `${model}: ${count(g.nodes.length, "state")} within ${count(Number(A.graph.radius), "move")} of state ${g.center}`;
}

/** Hosts the SVG the graph is drawn as: clicking or pressing Enter on a state selects it. */
function GraphView({ g }) {
  useEffect(() => {
    const host = document.getElementById("graph");
    const settings = { ...A.graph, conceptLabel: conceptLabel(A.graph.concept) };
    const svg = graphSvg(g, settings, A.selected, graphTitle(g));
    svg.addEventListener("click", (e) => {
      const node = e.target.closest && e.target.closest(".node");
      if (node) selectState(Number(node.dataset.state));
    });
    svg.addEventListener("keydown", (e) => {
      const node = e.target.closest && e.target.closest(".node");
      if (node && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        selectState(Number(node.dataset.state));
      }
    });
    host.replaceChildren(svg);
  });
  const radius = Number(A.graph.radius);
  const note = g.complete ? `All ${count(g.state_count, "state")}.`
    : `${g.nodes.length} of ${count(g.state_count, "state")}: those within ${count(radius, "move")} of state ${g.center}${g.cut ? " (cut at the limit; raise “Most states” or lower “Moves away”)" : ""}.`;
  return html`<p class="muted">${note}${g.edges_cut ? " Some moves are left out." : ""}</p><div id="graph" class="graph-canvas"></div>`;
}

export function GraphPanel() {
  const g = A.graph;
  const set = (change) => {
    Object.assign(g, change);
    drawGraph();
  };
  const t = A.results.tableau;
  return html`<section id="graph-panel" class="subpanel" aria-labelledby="graph-title">
    <h3 id="graph-title">Graph of moves</h3>
    <div class="graph-controls">
      <label>Centre state <input type="number" id="graph-center" min="1" inputmode="numeric" value=${g.center} onChange=${(e) => set({ center: e.currentTarget.value })} /></label>
      <label>Moves away <select id="graph-radius" value=${g.radius} onChange=${(e) => set({ radius: e.currentTarget.value })}>
        ${["1", "2", "3", "4"].map((r) => html`<option value=${r}>${r}</option>`)}<option value="6">6 (all of a small model)</option></select></label>
      <label>Most states <select id="graph-max" value=${g.max} onChange=${(e) => set({ max: e.currentTarget.value })}>
        ${["20", "40", "80", "150"].map((r) => html`<option value=${r}>${r}</option>`)}</select></label>
      <label>Equilibria of <select id="graph-concept" value=${g.concept} onChange=${(e) => set({ concept: e.currentTarget.value })}>
        ${t.concepts.map((c) => html`<option value=${c.key}>${c.label}</option>`)}</select></label>
      <label class="check"><input type="checkbox" id="graph-improvements" checked=${g.improvements} onChange=${(e) => { g.improvements = e.currentTarget.checked; refresh(); }} /> improvements only</label>
      <label class="check"><input type="checkbox" id="graph-centre-only" checked=${g.centreOnly} onChange=${(e) => { g.centreOnly = e.currentTarget.checked; g.centreOnlyChosen = true; refresh(); }} /> only moves to and from the centre</label>
    </div>
    ${g.error ? html`<${ErrorBox} error=${g.error} />` : g.payload ? html`<${GraphView} g=${g.payload} />` : null}
  </section>`;
}
