// The analysis pane's top: the concepts to analyse, the verdicts on the status quo and
// the named states, the equilibria, and the tableau of every state.

import { useEffect, useState } from "preact/hooks";
import { A, PAGE_SIZE, analyse, lookUpState, selectState, setView, stale } from "./analysis.js";
import { S, refresh } from "./store.js";
import { ErrorBox, Pending, StateList, StateRef, Term, WithTerms, count, dmColour, html } from "./ui.js";

function Concepts() {
  return html`<fieldset class="concepts">
    <legend>Solution concepts: how the parties are assumed to reason</legend>
    <div id="concept-boxes">${S.concepts.map((c) => html`<span class="concept-choice">
      <input type="checkbox" id=${`concept-${c.key}`} checked=${!!A.chosen[c.key]}
        onChange=${(e) => { A.chosen[c.key] = e.currentTarget.checked; refresh(); }} />
      <label for=${`concept-${c.key}`} class="visually-hidden">${c.label}</label><${Term} concept=${c.key} /></span>`)}</div>
    <button type="button" id="analyze" class="primary" disabled=${!!A.running} onClick=${analyse}>Analyse</button>
    ${A.conceptNote ? html`<small id="concept-note" class="hint">${A.conceptNote}</small>` : null}
  </fieldset>`;
}

/** How long the analysis under way has run (the work bar shows its progress and stops it). */
function Running() {
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.floor((Date.now() - A.running.started) / 1000);
  return html`<span class="running">Analysing…${seconds >= 1 ? ` ${seconds} s` : ""}</span>`;
}

function Stats() {
  const t = A.results && A.results.tableau;
  let text = "";
  if (t) {
    const ms = t.elapsed_ms < 10 ? t.elapsed_ms.toFixed(1) : Math.round(t.elapsed_ms).toLocaleString();
    text = `${count(t.state_count, "feasible state")} · analysed in ${ms} ms`;
  }
  return html`<span id="stats" class="muted" role="status" aria-live="polite">${A.running ? html`<${Running} />` : text}</span>`;
}

function StaleNote() {
  if (!stale()) return null;
  const small = S.check.state === "ok" && S.check.payload.state_count <= 100000;
  return html`<div class="stale-note" role="status" id="stale-note">
    <strong>The model has changed since this analysis.</strong>
    ${S.check.state === "error" ? " Fix the model's error to analyse it again." : small ? " Updating…" : html` <button type="button" class="small" onClick=${analyse}>Analyse again</button>`}
  </div>`;
}

// ---------------------------------------------------------------- verdicts

function VerdictCard({ v }) {
  const tone = v.fails.length === 0 ? "holds" : v.holds.length === 0 ? "fails" : "mixed";
  const heading = { holds: "Holds", fails: "Does not hold", mixed: "Holds under some assumptions" }[tone];
  const [lead, ...rest] = v.text;
  return html`<article class=${`verdict-card ${tone}`} data-state=${v.state} data-subject=${v.subject}>
    <header>
      <h4>${v.subject === "status quo" ? "The status quo" : `“${v.subject}”`}</h4>
      <span class=${`verdict-badge ${tone}`}>${heading}</span>
    </header>
    <p class="verdict-state"><${StateRef} id=${v.state} /></p>
    <p class="verdict-concepts">${v.holds.length ? html`<span class="holds-under">Holds under ${v.holds.map((k) => html` <${Term} concept=${k} />`)}</span>` : null}
      ${v.fails.length ? html`<span class="fails-under">Fails under ${v.fails.map((k) => html` <${Term} concept=${k} />`)}</span>` : null}</p>
    <p class="verdict-lead"><${WithTerms} text=${lead} /></p>
    ${rest.length ? html`<details class="verdict-why"><summary>Who is tempted to leave it, and what holds them back</summary>
      <ul class="verdict-reasons">${rest.map((line) => html`<li><${WithTerms} text=${line} /></li>`)}</ul></details>` : null}
  </article>`;
}

function Verdicts() {
  const v = A.results.verdicts;
  return html`<section id="verdicts" class="subpanel first" aria-labelledby="verdicts-title">
    <h3 id="verdicts-title">Verdicts</h3>
    ${v.error ? html`<${ErrorBox} error=${v.error} />`
      : v.verdicts.length === 0 ? html`<p class="muted">The model names no status quo and no state to judge. Tick the options of today's
          situation under “Status quo”, or add a named state (a proposal, a feared outcome), to get a verdict on it; any state below explains itself when clicked.</p>`
      : html`<div class="verdict-cards">${v.verdicts.map((x) => html`<${VerdictCard} v=${x} />`)}</div>`}
  </section>`;
}

function Summary() {
  const s = A.results.summary || [];
  return html`<details id="summary" class="summary">
    <summary>The whole analysis in words (${count(s.length, "point")})</summary>
    <ul>${s.map((line) => html`<li><${WithTerms} text=${line} /></li>`)}</ul>
  </details>`;
}

function Equilibria() {
  const t = A.results.tableau;
  return html`<section id="equilibria" class="subpanel" aria-labelledby="equilibria-title">
    <h3 id="equilibria-title">Equilibria</h3>
    <p class="hint">The states where no decision maker would leave, under each concept (click a concept's name for what it assumes, a state for why).</p>
    <dl class="eq-list">${t.concepts.map((c) => {
      const e = t.equilibria[c.key];
      return [html`<dt><${Term} concept=${c.key} /> <span class="muted count">(${e.count.toLocaleString()})</span></dt>`,
        html`<dd data-concept=${c.key} data-states=${e.states.join(" ")}><${StateList} ids=${e.states} total=${e.count} most=${6} /></dd>`];
    })}</dl>
  </section>`;
}

// ---------------------------------------------------------------- tableau

function Filters() {
  const t = A.results.tableau;
  const v = A.view;
  const sortChoices = [["state", "state number"], ["equilibria", "equilibria first"], ...t.decision_makers.map((d) => [`pref:${d.name}`, `${d.name}'s preference`])];
  // Unfolded where there is room for the filters beside the tableau's top.
  return html`<details class="filters" id="filters" open=${window.matchMedia("(min-width: 700px)").matches}>
    <summary>Filter and sort the tableau</summary>
    <div class="filter-row">
      <label>Show <select id="filter-concept" value=${v.concept} onChange=${(e) => setView({ concept: e.currentTarget.value })}>
        <option value="">all states</option>${t.concepts.map((c) => html`<option value=${c.key}>stable under ${c.label}</option>`)}</select></label>
      <label>for <select id="filter-dm" value=${v.dm} disabled=${!v.concept} onChange=${(e) => setView({ dm: e.currentTarget.value })}>
        <option value="">every DM (equilibria)</option>${t.decision_makers.map((d) => html`<option value=${d.name}>${d.name}</option>`)}</select></label>
      <label>Sort by <select id="sort-by" value=${v.sort} onChange=${(e) => setView({ sort: e.currentTarget.value })}>
        ${sortChoices.map(([value, label]) => html`<option value=${value}>${label}</option>`)}</select></label>
      <label class="check"><input type="checkbox" id="sort-descending" checked=${v.descending} onChange=${(e) => setView({ descending: e.currentTarget.checked })} /> reverse</label>
      <button type="button" id="clear-filters" class="secondary small" onClick=${() => setView({ concept: "", dm: "", options: {}, sort: "state", descending: false })}>Clear</button>
    </div>
    <div class="filter-row" id="option-filters" role="group" aria-label="Option values">
      ${t.options.map((o) => {
        const value = v.options[o.id] === true ? "Y" : v.options[o.id] === false ? "N" : "";
        return html`<label class="option-filter" for=${`of-${o.id}`}>${o.label}
          <select id=${`of-${o.id}`} value=${value} onChange=${(e) => {
            const options = { ...v.options };
            if (e.currentTarget.value === "") delete options[o.id];
            else options[o.id] = e.currentTarget.value === "Y";
            setView({ options });
          }}><option value="">any</option><option value="Y">Y</option><option value="N">N</option></select></label>`;
      })}
    </div>
  </details>`;
}

function Tableau() {
  const t = A.results.tableau;
  const dms = t.decision_makers;
  const v = A.view;
  // Column headers sort too: by state number, or by a DM's preference (best first); again to reverse.
  const ariaSort = (value) => (v.sort === value ? ((value === "state") !== v.descending ? "ascending" : "descending") : undefined);
  const SortButton = ({ value, label, what }) => html`<button type="button" class="sort-button" title=${`Sort by ${what}`}
    onClick=${() => setView({ sort: value, descending: v.sort === value ? !v.descending : false })}>${label}${{ ascending: " ▲", descending: " ▼" }[ariaSort(value)] || ""}</button>`;
  const head1 = html`<tr>
    <th rowspan="2" scope="col" aria-sort=${ariaSort("state")}><${SortButton} value="state" label="State" what="state number" /></th>
    ${t.concepts.map((c) => html`<th rowspan="2" scope="col" class="concept-head"><${Term} concept=${c.key} /></th>`)}
    ${dms.map((d, i) => {
      const n = t.options.filter((o) => o.decision_maker === i).length;
      return n ? html`<th colspan=${n} scope="colgroup" class="dm-head" aria-sort=${ariaSort(`pref:${d.name}`)} style=${{ "--dm-colour": dmColour(i) }}>
        <${SortButton} value=${`pref:${d.name}`} label=${d.name} what=${`${d.name}'s preference`} /></th>` : null;
    })}
  </tr>`;
  const head2 = html`<tr>${t.options.map((o) => html`<th scope="col" class="option-head" title=${o.label}><span>${o.label}</span></th>`)}</tr>`;
  const rows = t.rows.map((r) => html`<tr key=${r.id} data-state=${r.id}
      class=${[r.equilibrium.length ? "eq" : "", r.status_quo ? "sq" : "", r.id === A.selected ? "selected" : ""].join(" ").trim()}
      onClick=${() => selectState(r.id)}>
    <th scope="row" title=${r.description}><button type="button" class="state-link" aria-label=${`Explain state ${r.id}: ${r.description}`}>${r.id}</button>${
      r.status_quo ? html`<span class="badge sq-badge" title="status quo">SQ</span>` : null}${r.names.map((n) => html`<span class="badge name-badge" title=${n}>${n}</span>`)}</th>
    ${t.concepts.map((c) => {
      const marks = r.stable[c.key];
      const eq = r.equilibrium.includes(c.key);
      return html`<td class=${"marks" + (eq ? " eq-cell" : "")} data-concept=${c.key} aria-label=${`${c.label}: ` + dms.map((d, i) => `${d.name} ${marks[i] ? "stable" : "unstable"}`).join(", ")}>
        ${marks.map((s, i) => html`<span class=${s ? "mark stable" : "mark unstable"} style=${{ "--dm-colour": dmColour(i) }} title=${`${dms[i].name}: ${s ? "stable" : "unstable"}`}>${s ? "✓" : "·"}</span>`)}</td>`;
    })}
    ${[...r.yn].map((c) => html`<td class=${c === "Y" ? "yes" : "no"}>${c}</td>`)}
  </tr>`);
  const last = Math.min(t.offset + t.rows.length, t.matching);
  return html`<div class="tableau-wrap" id="tableau-wrap" tabindex="0" aria-label="Tableau of feasible states">
      <table id="tableau">
        <caption class="visually-hidden">Feasible states: stability for each DM under each concept (✓ stable; green: an equilibrium), and the option values</caption>
        <thead>${head1}${head2}</thead><tbody>${rows}</tbody>
      </table>
    </div>
    <nav class="pager" aria-label="Tableau pages">
      <button type="button" id="page-prev" class="secondary small" disabled=${t.offset === 0} onClick=${() => setView({ offset: Math.max(0, v.offset - PAGE_SIZE) })}>← Previous</button>
      <span id="page-info">${t.matching === 0 ? "No state matches the filters."
        : `States ${(t.offset + 1).toLocaleString()}–${last.toLocaleString()} of ${t.matching.toLocaleString()}` + (t.matching !== t.state_count ? ` matching (of ${t.state_count.toLocaleString()})` : "")}</span>
      <button type="button" id="page-next" class="secondary small" disabled=${last >= t.matching} onClick=${() => setView({ offset: v.offset + PAGE_SIZE })}>Next →</button>
      <${FindState} />
    </nav>`;
}

/** Finds a state by number, Y/N string, name or "sq", and selects it. */
function FindState() {
  const [error, setError] = useState(null);
  const find = async (e) => {
    const text = e.currentTarget.value;
    if (!text.trim()) return;
    setError(await lookUpState(text));
  };
  return html`<label>Find a state <input type="text" id="goto-state" inputmode="text" placeholder="number, Y/N, name or sq"
      aria-describedby="goto-error" onChange=${find} /></label>
    ${error ? html`<span id="goto-error" class="error-message">${error.message}</span>` : null}`;
}

export function ResultsTop() {
  return html`
    <div class="panel-head">
      <h2 id="results-title">Analysis</h2>
      <${Stats} />
    </div>
    ${A.error ? html`<div class="analysis-error" role="alert"><${ErrorBox} error=${A.error} /></div>` : null}
    <${StaleNote} />
    ${A.results ? html`<${Verdicts} />` : null}
    <${Concepts} />
    ${A.results ? html`
      <${Summary} />
      <${Equilibria} />
      <section id="tableau-panel" class="subpanel" aria-labelledby="tableau-title">
        <h3 id="tableau-title">Every state</h3>
        <${Filters} />
        <${Tableau} />
      </section>` : A.running || A.error ? null : html`<${Pending}>${S.check.state === "error" ? "Fix the model's error to analyse it." : "Press Analyse to see which states are stable for whom."}<//>`}`;
}
