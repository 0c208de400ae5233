// The further analyses (coalitions, foresight, robustness under uncertain preferences,
// inverse analysis) and the exports.

import { api, cancelled, failure } from "./api.js";
import { A, about, conceptLabel, runCoalitions, runForesight, runInverse, runRobustness } from "./analysis.js";
import { graphSvg, graphTitle } from "./explore.js";
import { S, confirmLarge, markExported, refresh, showBanner } from "./store.js";
import { ErrorBox, Pending, StateList, StateRef, Term, andList, count, html } from "./ui.js";

/** A setting of a panel bound to an input. */
function Setting({ label, panel, name, id, type = "number", ...rest }) {
  const settings = A.panels[panel].settings;
  return html`<label>${label} <input type=${type} id=${id} inputmode="numeric" value=${settings[name]} ...${rest}
    onInput=${(e) => { settings[name] = e.currentTarget.value; refresh(); }} /></label>`;
}

/** A panel's answer, or its progress or failure. */
function Answer({ panel, id, children }) {
  const p = A.panels[panel];
  return html`<div id=${id} aria-live="polite">${p.loading ? html`<${Pending}>Working…<//>` : p.error ? html`<${ErrorBox} error=${p.error} />` : p.payload ? children(p.payload) : null}</div>`;
}

const STABILITY_CONCEPTS = ["nash", "gmr", "smr", "seq"];

function Coalitions() {
  const s = A.panels.coalitions.settings;
  const concepts = A.results.concepts.filter((k) => STABILITY_CONCEPTS.includes(k));
  const concept = s.concept || concepts[concepts.length - 1] || "seq";
  return html`<section id="coalitions-panel" class="subpanel" aria-labelledby="coalitions-title">
    <h3 id="coalitions-title">Coalitions</h3>
    <p class="hint">Whether decision makers acting together could leave an equilibrium that none leaves alone.</p>
    <div class="graph-controls">
      <label>Equilibria of <select id="coalition-concept" value=${concept} onChange=${(e) => { s.concept = e.currentTarget.value; refresh(); }}>
        ${concepts.map((k) => html`<option value=${k}>${conceptLabel(k)}</option>`)}</select></label>
      <label class="check"><input type="checkbox" id="coalitions-all" checked=${s.all} onChange=${(e) => { s.all = e.currentTarget.checked; refresh(); }} /> every coalition, not only the model's</label>
      <button type="button" id="coalitions-run" class="secondary small" onClick=${() => { s.concept = concept; runCoalitions(); }}>Which coalitions can upset them?</button>
    </div>
    <${Answer} panel="coalitions" id="coalitions-body">${(p) => {
      const eqs = p.equilibria;
      const label = conceptLabel(p.concept || concept);
      return html`
        <p>Coalitions examined (besides each decision maker alone): ${p.coalitions.map((c) => c.join(" + ")).join("; ") || "none"}.</p>
        <p>Coalitional ${label} equilibria:</p><${StateList} ids=${p.coalition_equilibria} />
        <p>${count(eqs.length, `${label} equilibrium`, `${label} equilibria`)} examined against ${count(p.coalitions.length, "coalition")}.</p>
        <ul>${eqs.map((e) => html`<li><${StateRef} id=${e.state} />: ${e.upsets.length === 0 ? "no coalition can upset it: every joint improvement is deterred."
          : html`<ul>${e.upsets.map((u) => html`<li>${u.coalition.join(" + ")} together: ${u.change} (to state ${u.to.join(", ")}${u.undeterred > u.to.length ? ", …" : ""})${
            (p.concept || concept) === "nash" ? "" : `; no response deters ${u.undeterred_for.join(" or ")}`}</li>`)}</ul>`}</li>`)}</ul>`;
    }}<//>
  </section>`;
}

function Foresight() {
  const s = A.panels.foresight.settings;
  return html`<section id="foresight-panel" class="subpanel" aria-labelledby="foresight-title">
    <h3 id="foresight-title">Foresight</h3>
    <p class="hint">Stability when each decision maker looks several moves ahead (limited-move stability L<sub>h</sub>), and non-myopic (NM) stability, its verdict for every long enough horizon.</p>
    <div class="graph-controls">
      <${Setting} label="Moves ahead" panel="foresight" name="horizon" id="foresight-horizon" min="1" max="10000" />
      <label>When a mover is indifferent, expect <select id="foresight-outlook" value=${s.outlook} onChange=${(e) => { s.outlook = e.currentTarget.value; refresh(); }}>
        <option value="cautious">the worst (cautious)</option><option value="hopeful">the best (hopeful)</option></select></label>
      <${Setting} label="Lines of play at state" panel="foresight" name="state" id="foresight-state" min="1" />
      <button type="button" id="foresight-run" class="secondary small" onClick=${runForesight}>Look ahead</button>
    </div>
    <${Answer} panel="foresight" id="foresight-body">${(p) => {
      const nm = p.non_myopic;
      const verdict = (dm, state) => {
        if ((nm.oscillating[dm] || []).includes(state)) return "oscillates";
        if (!nm.settled_at[dm]) return "unknown";
        return (nm.stable[dm] || []).includes(state) ? "stable" : "unstable";
      };
      return html`
        <div class="foresight-lh" data-states=${p.limited_move.equilibria.join(" ")}><p>L${p.horizon} equilibria (${p.outlook}, ${p.limited_move.equilibria.length}):</p>
          <${StateList} ids=${p.limited_move.equilibria} /></div>
        <div class="foresight-nm" data-states=${(nm.equilibria || []).join(" ")}>${nm.equilibria === null
          ? html`<p>Non-myopic equilibria: unknown (the anticipations did not settle within the foresight limit).</p>`
          : html`<p>Non-myopic equilibria (${nm.equilibria.length}):</p><${StateList} ids=${nm.equilibria} />`}</div>
        ${p.lines_of_play.length ? html`<h4>At <${StateRef} id=${p.lines_of_play[0].state} /></h4>
          <ul class="foresight-lines">${p.lines_of_play.map((line) => html`<li data-dm=${line.dm}>
            <strong>${line.dm}: </strong>${line.stable ? "stable" : "unstable"} at L${p.horizon}; NM ${verdict(line.dm, line.state)}. ${line.steps.length === 0 ? "It has no improving move."
              : html`Line of play: ${line.steps.map((step) => html` → <${StateRef} id=${step.to} words=${false} /> (${step.mover} ${step.change})`)}${
                line.ends_at != null ? html`; it ends at <${StateRef} id=${line.ends_at} />.` : "."}`}</li>`)}</ul>` : null}`;
    }}<//>
  </section>`;
}

/** The states that matter first (the status quo and the named states), then the most
 * robust: by the share under the concept where it is least robust, then the most. */
function robustOrder(p) {
  const sq = A.results.tableau.status_quo;
  const shares = (st) => p.concepts.map((c) => st.equilibrium[c].share);
  const matters = (st) => st.state === sq || st.names.length > 0;
  const somewhere = (st) => p.concepts.some((c) => st.equilibrium[c].count > 0 || st.equilibrium[c].as_written);
  return p.states.filter((st) => matters(st) || somewhere(st)).sort((a, b) =>
    Number(matters(b)) - Number(matters(a)) || Math.min(...shares(b)) - Math.min(...shares(a))
    || Math.max(...shares(b)) - Math.max(...shares(a)) || a.state - b.state);
}

const percent = (share) => `${(100 * share).toFixed(share > 0 && share < 0.001 ? 2 : 1)}%`;

function Robustness() {
  return html`<section id="robustness-panel" class="subpanel" aria-labelledby="robustness-title">
    <h3 id="robustness-title">Robustness</h3>
    <p class="hint">The share of the preference profiles the model's uncertain priorities (<code>priority = [lo, hi]</code>) allow under which each state is an equilibrium, for the concepts analysed: the status quo and the named states first, then the states that hold most widely.</p>
    <div class="graph-controls">
      <${Setting} label="Every profile when at most" panel="robustness" name="exact" id="robustness-exact" min="0" max="1000000" />
      <${Setting} label="otherwise sample" panel="robustness" name="samples" id="robustness-samples" min="1" max="1000000" />
      <${Setting} label="Seed" panel="robustness" name="seed" id="robustness-seed" min="0" />
      <button type="button" id="robustness-run" class="secondary small" onClick=${runRobustness}>How robust are the equilibria?</button>
    </div>
    <${Answer} panel="robustness" id="robustness-body">${(p) => {
      const profiles = p.profiles === null ? "more than 2^128" : p.profiles.toLocaleString();
      const method = p.method === "exact" ? `every one of the ${profiles} profiles (exact shares)`
        : `${p.analysed.toLocaleString()} profiles drawn at random from ${profiles} with seed ${p.seed} (estimated shares)`;
      const rows = robustOrder(p);
      const shown = rows.slice(0, 40);
      return html`
        <p class="robustness-method">Analysed ${method}.</p>
        ${p.uncertain.length ? html`<p>Uncertain: ${p.uncertain.map((u, k) => `${k ? "; " : ""}${u.decision_maker}'s ${u.kind} ${u.element} (${u.text}) may rank ${u.positions[0]} to ${u.positions[1]}`)}.</p>`
          : html`<p class="muted">The model has no uncertain priorities: one profile, the model as written.</p>`}
        ${rows.length === 0 ? html`<p>No state is an equilibrium under any profile.</p>` : html`<div class="table-scroll"><table class="shares">
          <caption class="hint">${count(rows.length, "state")}${rows.length > shown.length ? `, the first ${shown.length} shown` : ""}; * an equilibrium as written</caption>
          <thead><tr><th scope="col">State</th>${p.concepts.map((c) => html`<th scope="col"><${Term} concept=${c} /></th>`)}</tr></thead>
          <tbody>${shown.map((st) => html`<tr data-state=${st.state}><td><${StateRef} id=${st.state} /></td>
            ${p.concepts.map((c) => html`<td data-concept=${c}>${percent(st.equilibrium[c].share)}${st.equilibrium[c].as_written ? "*" : ""}</td>`)}</tr>`)}</tbody>
        </table></div>`}`;
    }}<//>
  </section>`;
}

/** "Russia prefers state 3 (…) to state 7 (…)". */
function Comparison({ c, who = true }) {
  return html`${who ? `${c.decision_maker} prefers ` : "prefers "}<${StateRef} id=${c.above} /> to <${StateRef} id=${c.below} />`;
}

function Alternatives({ alternatives }) {
  const shown = alternatives.slice(0, 6);
  return html`<ul class="alternatives">${shown.map((alt, k) => html`<li>${k ? "or " : ""}${alt.map((c, i) => html`${i ? " and " : ""}<${Comparison} c=${c} />`)}</li>`)}${
    alternatives.length > shown.length ? html`<li class="muted">… or one of ${count(alternatives.length - shown.length, "other way", "other ways")}</li>` : null}</ul>`;
}

/** What one concept needs: the comparisons every varied party must make, grouped by party,
 * and the moves that must be deterred, grouped by the party tempted to make them. */
function InverseConcept({ x }) {
  const byParty = (list, key) => [...new Set(list.map((c) => c[key]))].map((who) => [who, list.filter((c) => c[key] === who)]);
  const verdict = { always: "always an equilibrium", never: "never an equilibrium", conditional: "an equilibrium under conditions", error: "not answered" }[x.equilibrium];
  const big = (digits, log) => (digits.length <= 15 ? Number(digits).toLocaleString() : `about 10^${log.toFixed(1)}`);
  return html`<section class="inverse-concept" data-concept=${x.concept} data-equilibrium=${x.equilibrium}>
    <h4><${Term} concept=${x.concept} />: ${verdict}</h4>
    ${x.error ? html`<p class="muted">${x.error}</p>` : null}
    ${x.obstacle ? html`<p>${x.obstacle.text}.</p>` : null}
    ${byParty(x.required, "decision_maker").map(([who, list]) => html`<div class="party-conditions"><p><strong>${who}</strong> would have to prefer, in every case:</p>
      <ul>${list.map((c) => html`<li><${StateRef} id=${c.above} /> to <${StateRef} id=${c.below} /></li>`)}</ul></div>`)}
    ${byParty(x.requirements, "decision_maker").map(([who, list]) => html`<div class="party-conditions"><p>To hold <strong>${who}</strong> back:</p>
      <ul>${list.map((r) => html`<li>from moving to <${StateRef} id=${r.move_to} /> (${r.change}), one of:<${Alternatives} alternatives=${r.alternatives} /></li>`)}</ul></div>`)}
    ${x.omitted ? html`<p class="muted">Not listed, for length: ${count(x.omitted.comparisons, "more comparison")} and ${count(x.omitted.requirements, "more move")} to deter.</p>` : null}
    ${x.count_error ? html`<p class="muted">Not counted: ${x.count_error}</p>` : null}
    ${x.count ? html`<p class="inverse-count">${x.count.rankings === "0" ? "Rankings that make it an equilibrium: none."
      : `Rankings that make it an equilibrium: ${big(x.count.rankings, x.count.log10_rankings ?? 0)} of ${big(x.count.total, x.count.log10_total)} (${(100 * x.count.fraction).toPrecision(3)}%).`}</p>` : null}
  </section>`;
}

function Inverse() {
  const s = A.panels.inverse.settings;
  const dms = A.results.tableau.decision_makers.map((d) => d.name);
  return html`<section id="inverse-panel" class="subpanel" aria-labelledby="inverse-title">
    <h3 id="inverse-title">Inverse</h3>
    <p class="hint">What the varied decision makers would have to prefer for a state to be an equilibrium (the others keep the model's preferences).</p>
    <div class="graph-controls">
      <${Setting} label="Target state" panel="inverse" name="state" id="inverse-state" min="1" />
      <fieldset class="inline" id="inverse-vary"><legend>Vary the preferences of</legend>
        ${dms.map((name) => html`<label class="check"><input type="checkbox" value=${name} checked=${!s.unvaried.includes(name)}
          onChange=${(e) => { s.unvaried = e.currentTarget.checked ? s.unvaried.filter((n) => n !== name) : [...s.unvaried, name]; refresh(); }} /> ${name}</label>`)}</fieldset>
      <fieldset class="inline" id="inverse-concepts"><legend>Concepts</legend>
        ${STABILITY_CONCEPTS.map((k) => html`<span class="concept-choice"><input type="checkbox" value=${k} id=${`inverse-${k}`} checked=${s.concepts[k]}
          onChange=${(e) => { s.concepts[k] = e.currentTarget.checked; refresh(); }} /><label for=${`inverse-${k}`} class="visually-hidden">${conceptLabel(k)}</label><${Term} concept=${k} /></span>`)}</fieldset>
      <label class="check"><input type="checkbox" id="inverse-count" checked=${s.count} onChange=${(e) => { s.count = e.currentTarget.checked; refresh(); }} /> count the rankings</label>
      <button type="button" id="inverse-run" class="secondary small" onClick=${runInverse}>When would it be an equilibrium?</button>
    </div>
    <${Answer} panel="inverse" id="inverse-body">${(p) => html`
      <p>Target: <${StateRef} id=${p.target.state} />, varying ${p.varied.length ? andList(p.varied) : "no one"}.</p>
      ${p.concepts.map((x) => html`<${InverseConcept} x=${x} />`)}`}<//>
  </section>`;
}

// ---------------------------------------------------------------- exports

/** Saves `content` as a file called `name`. */
function download(name, type, content) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function exportAs(kind) {
  const stem = (S.doc.name || "model").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "model";
  // The server says how large an export is as it starts to send it: a large one is saved
  // only if the analyst agrees.
  const large = (bytes) => confirmLarge(bytes, "This export");
  try {
    if (kind === "toml" || kind === "gmcr") {
      const { payload } = await api("/api/convert", { form: S.form, to: kind }, { raw: true, large });
      download(`${stem}.${kind}`, kind === "toml" ? "application/toml" : "application/json", payload);
      markExported();
    } else if (kind === "json") {
      download(`${stem}-analysis.json`, "application/json", (await api("/api/analyze", about({ concepts: A.results.concepts }), { raw: true, large })).payload);
    } else if (kind === "csv") {
      download(`${stem}-analysis.csv`, "text/csv", (await api("/api/analyze", about({ concepts: A.results.concepts, format: "csv" }), { raw: true, large })).payload);
    } else if (kind === "svg") {
      const g = A.graph.payload;
      if (!g) throw new Error("Draw the graph first.");
      const svg = graphSvg(g, { ...A.graph, conceptLabel: conceptLabel(A.graph.concept) }, A.selected, graphTitle(g));
      download(`${stem}-graph.svg`, "image/svg+xml", new XMLSerializer().serializeToString(svg));
    } else if (kind === "brief" || kind === "brief-html") {
      // The same brief as `detente report`: typeset by the server, bottom line first.
      const format = kind === "brief" ? "pdf" : "html";
      const { payload } = await api("/api/brief", about({ format }), { binary: true, large });
      download(`${stem}-brief.${format}`, format === "pdf" ? "application/pdf" : "text/html", payload);
    }
  } catch (e) {
    if (cancelled(e)) return;
    const f = failure(e);
    showBanner("Cannot export: " + f.message, f.help);
  }
}

function Exports() {
  const button = (kind, label) => html`<button type="button" data-export=${kind} class="secondary" onClick=${() => exportAs(kind)}>${label}</button>`;
  return html`<section id="export-panel" class="subpanel" aria-labelledby="export-title">
    <h3 id="export-title">Export</h3>
    <div class="exports">
      ${button("toml", "Model (.toml)")}${button("gmcr", "Model (.gmcr)")}${button("json", "Results (JSON)")}
      ${button("csv", "Results (CSV)")}${button("svg", "Graph (SVG)")}${button("brief", "Printable brief (PDF)")}${button("brief-html", "Brief (HTML)")}
    </div>
  </section>`;
}

export function FurtherAnalyses() {
  return html`<${Coalitions} /><${Foresight} /><${Robustness} /><${Inverse} /><${Exports} />`;
}
