// The model editor: forms for every part of a model. Each edit goes through `edit`
// (one step of undo), and the server checks the whole form; the field its error points
// at is outlined, with the message beside it.

import { useLayoutEffect, useState } from "preact/hooks";
import { api, failure } from "./api.js";
import { MAX_BY_HAND, OrderView, RankingTiers, ValueClicks, conjunctionOf, rankByHand } from "./clicks.js";
import { RULE_KINDS, at, fromForm, newDm, newOption } from "./form.js";
import { S, afterRender, edit, redo, refresh, replaceDoc, undo } from "./store.js";
import { count, dmColour, html } from "./ui.js";

const RULE_HELP = {
  not_both: "option ids, comma-separated: not all of them Y together",
  at_least_one: "option ids, comma-separated: at least one Y",
  at_most_one: "option ids, comma-separated: at most one Y",
  exactly_one: "option ids, comma-separated: exactly one Y",
  implies: "two option ids: first, then second (p → q)",
  require: "an expression that must hold, e.g. !(a & b) | c",
  forbid: "an expression whose states are infeasible, e.g. a & !b",
};

const fieldId = (key) => "f-" + key.replace(/\./g, "-");

/** The check's message when its error points at the field `key`, else null. */
const errorAt = (key) => (S.check.state === "error" && S.invalid.key === key ? S.check.error.message : null);

/** The message beside a field the error points at. */
const FieldError = ({ message }) => (message ? html`<div class="field-error">${message}</div>` : null);

/** A labelled text input bound to `obj[prop]`; `path` is where its value is in the form. */
function Text({ label, obj, prop, k, path, code, multiline, wide, placeholder, hint }) {
  const id = fieldId(k);
  const invalid = errorAt(k);
  const props = {
    id, "data-key": k, "data-path": path, value: obj[prop], placeholder,
    spellcheck: code ? "false" : undefined, class: code ? "code" : undefined,
    "aria-invalid": invalid ? "true" : undefined, "aria-describedby": invalid ? "validation-message" : undefined,
    onInput: (e) => {
      const value = e.currentTarget.value;
      edit(() => { obj[prop] = value; }, k);
    },
  };
  return html`<div class=${"field" + (wide ? " wide" : "")}>
    <label for=${id}>${label}</label>
    ${multiline ? html`<textarea rows="2" ...${props}></textarea>` : html`<input type="text" ...${props} />`}
    ${hint ? html`<small class="hint">${hint}</small>` : null}
    <${FieldError} message=${invalid} />
  </div>`;
}

/** The id of an option or a decision maker: typed, then renamed everywhere the model names
 * it when the field is left (or Enter pressed), by the server; Escape gives the typing up. */
function IdField({ label, obj, k, path, kind }) {
  const [draft, setDraft] = useState(null);
  const [refused, setRefused] = useState(null);
  const id = fieldId(k);
  const invalid = refused || errorAt(k);
  // The field's own value: typing may run ahead of the drawing of the draft.
  const rename = async (e) => {
    const to = e.currentTarget.value;
    if (to === obj.id) {
      setDraft(null);
      return;
    }
    setDraft(to);
    try {
      const { payload } = await api("/api/rename", { form: S.form, kind, from: obj.id, to });
      replaceDoc(fromForm(payload.form));
      setDraft(null);
      setRefused(null);
    } catch (e) {
      setRefused(failure(e).message);
    }
  };
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input type="text" id=${id} data-key=${k} data-path=${path} value=${draft ?? obj.id} spellcheck="false" class="code"
      aria-invalid=${invalid ? "true" : undefined} aria-describedby=${invalid ? "validation-message" : undefined}
      onInput=${(e) => { setDraft(e.currentTarget.value); setRefused(null); }} onChange=${rename}
      onKeyDown=${(e) => { if (e.key === "Escape") { setDraft(null); setRefused(null); } }} />
    <${FieldError} message=${invalid} />
  </div>`;
}

function Select({ label, obj, prop, k, path, choices }) {
  const id = fieldId(k);
  const invalid = errorAt(k);
  return html`<div class="field"><label for=${id}>${label}</label>
    <select id=${id} data-key=${k} data-path=${path} aria-invalid=${invalid ? "true" : undefined}
      onChange=${(e) => edit(() => { obj[prop] = e.currentTarget.value; })}>
      ${choices.map(([v, l]) => html`<option value=${v} selected=${obj[prop] === v}>${l}</option>`)}
    </select>
    <${FieldError} message=${invalid} />
  </div>`;
}

/** Up, down and remove buttons for item `i` of `list`; focus follows the moved item. */
function ListButtons({ list, i, what, k }) {
  const base = k.replace(/\d+$/, "");
  const move = (delta) => () => {
    const j = i + delta;
    edit(() => { [list[i], list[j]] = [list[j], list[i]]; });
    afterRender(() => {
      const again = document.querySelector(`[data-move="${base}${j}:${delta}"]`);
      (again && !again.disabled ? again : document.querySelector(`[data-move="${base}${j}:${-delta}"]`))?.focus();
    });
  };
  return html`<div class="list-buttons">
    <button type="button" class="icon" aria-label=${`Move ${what} up`} title="Move up" disabled=${i === 0} data-move=${`${k}:-1`} onClick=${move(-1)}>↑</button>
    <button type="button" class="icon" aria-label=${`Move ${what} down`} title="Move down" disabled=${i === list.length - 1} data-move=${`${k}:1`} onClick=${move(1)}>↓</button>
    <button type="button" class="icon danger" aria-label=${`Remove ${what}`} title="Remove" onClick=${() => edit(() => list.splice(i, 1))}>✕</button>
  </div>`;
}

function Add({ label, onAdd }) {
  return html`<button type="button" class="secondary small add" onClick=${() => edit(onAdd)}>+ ${label}</button>`;
}

/** Description and source, folded away. */
function Notes({ obj, k, path, summary = "Description and source" }) {
  return html`<details class="more"><summary>${summary}</summary>
    <${Text} label="Description" obj=${obj} prop="description" k=${`${k}.description`} path=${`${path}/description`} wide multiline />
    <${Text} label="Source" obj=${obj} prop="source" k=${`${k}.source`} path=${`${path}/source`} wide />
  </details>`;
}

const Section = ({ title, children }) => html`<fieldset class="section"><legend>${title}</legend>${children}</fieldset>`;

/** The DM that controls option k of DM d; choosing another moves the option to that DM. */
function Owner({ m, d, k }) {
  const id = `f-dm-${d}-opt-${k}-owner`;
  const moveTo = (to) => {
    edit(() => {
      const [moved] = m.dms[d].options.splice(k, 1);
      m.dms[to].options.push(moved);
    });
    afterRender(() => document.getElementById(`f-dm-${to}-opt-${m.dms[to].options.length - 1}-owner`)?.focus());
  };
  return html`<div class="field"><label for=${id}>Owner</label>
    <select id=${id} onChange=${(e) => moveTo(Number(e.currentTarget.value))}>
      ${m.dms.map((dm, i) => html`<option value=${i} selected=${i === d}>${dm.name || dm.id || `DM ${i + 1}`}</option>`)}
    </select></div>`;
}

function OptionRow({ m, dm, d, o, k }) {
  const key = `dm.${d}.opt.${k}`;
  const path = at("dm", d, "option", k);
  return html`<li class="row option-row">
    <${IdField} label="Id" obj=${o} k=${`${key}.id`} path=${`${path}/id`} kind="option" />
    <${Text} label="Label" obj=${o} prop="label" k=${`${key}.label`} path=${`${path}/label`} />
    <${Select} label="Reversibility" obj=${o} prop="irreversible" k=${`${key}.irreversible`} path=${`${path}/irreversible`}
      choices=${[["", "reversible"], ["forward", "N → Y only"], ["backward", "Y → N only"]]} />
    <${Owner} m=${m} d=${d} k=${k} />
    <${ListButtons} list=${dm.options} i=${k} what=${`option ${o.id}`} k=${key} />
    <${Notes} obj=${o} k=${key} path=${path} />
  </li>`;
}

/** One entry of a list in priority order (a statement, a tier): its place, its text, its
 * buttons, `extra` below them (clicks, chips), and its uncertain priority folded away with
 * whatever `children` add. */
function PriorityItem({ list, j, label, obj, prop, k, path, what, placeholder, summary, extra, handle, children }) {
  return html`<li class=${"row" + (handle ? " tier" : "")}>
    ${handle ? html`<span class="tier-handle" title="Drag to move" aria-hidden="true">⠿</span>` : null}
    <span class="priority" aria-hidden="true">${j + 1}</span>
    <${Text} label=${label} obj=${obj} prop=${prop} k=${k} path=${path} code placeholder=${placeholder} />
    <${ListButtons} list=${list} i=${j} what=${what} k=${k} />
    ${extra}
    <details class="more"><summary>${summary}</summary>
      <${Text} label="Uncertain priority (positions lo-hi)" obj=${obj} prop="priority" k=${`${k}.priority`} path=${`${path}/priority`} code
        placeholder="e.g. 2-4: may rank anywhere from 2nd to 4th" />
      ${children}
    </details>
  </li>`;
}

/** The key of the entry added last: its clicks open at once. */
let added = null;

function Statements({ dm, d }) {
  return html`<div>
    <ol class="items statements" data-key=${`dm.${d}.prefs`} data-path=${at("dm", d, "preferences")} aria-label="Preference statements">
      ${dm.preferences.map((p, j) => {
        const key = `dm.${d}.pref.${j}`;
        const path = at("dm", d, "preferences", j);
        return html`<${PriorityItem} list=${dm.preferences} j=${j} label=${`Statement ${j + 1}`} obj=${p} prop="statement" k=${key} path=${path}
            what=${`statement ${j + 1}`} placeholder="e.g. !escalate or withdraw if blockade" summary="Uncertainty, description and source"
            extra=${html`<${ValueClicks} obj=${p} prop="statement" k=${key} what="the statement" open=${added === key} />`}>
          <${Text} label="Description" obj=${p} prop="description" k=${`${key}.description`} path=${`${path}/description`} wide />
          <${Text} label="Source" obj=${p} prop="source" k=${`${key}.source`} path=${`${path}/source`} wide />
        <//>`;
      })}
    </ol>
    <${Add} label="Statement" onAdd=${() => {
      added = `dm.${d}.pref.${dm.preferences.length}`;
      dm.preferences.push({ statement: dm.options[0] ? dm.options[0].id : "true", description: "", source: "", priority: "" });
    }} />
    <small class="hint">${"A statement is true or false at each state; the first weighs more than all the others together. Expressions: option ids with ! (not), & (and), | (or), -> (implies), if, <-> (iff), parentheses."}</small>
  </div>`;
}

/** One tier of a ranking: its states as chips to drag, its text folded away. */
function Tier({ dm, d, j, children }) {
  const t = dm.ranking[j];
  return html`<${PriorityItem} list=${dm.ranking} j=${j} label=${`Tier ${j + 1}`} obj=${t} prop="items" handle
    k=${`dm.${d}.tier.${j}`} path=${at("dm", d, "ranking", j)} what=${`tier ${j + 1}`}
    placeholder="Y/N/- patterns, expressions or state numbers, comma-separated (a tie)" summary="Uncertainty" extra=${children} />`;
}

function Ranking({ dm, d }) {
  return html`<div data-key=${`dm.${d}.ranking`} data-path=${at("dm", d, "ranking")}>
    <p class="hint">Best first: drag a tier by its handle, or a state onto another tier to tie them.</p>
    <${RankingTiers} dm=${dm} d=${d} Tier=${Tier} />
    <${Add} label="Tier" onAdd=${() => dm.ranking.push({ items: "", priority: "" })} />
    <small class="hint">Every feasible state must be matched by exactly one tier.</small>
    <details class="more"><summary>Description and source of the ranking</summary>
      <${Text} label="Description" obj=${dm} prop="ranking_description" k=${`dm.${d}.ranking_description`} path=${at("dm", d, "ranking_description")} wide />
      <${Text} label="Source" obj=${dm} prop="ranking_source" k=${`dm.${d}.ranking_source`} path=${at("dm", d, "ranking_source")} wide />
    </details>
  </div>`;
}

/** Turns statements into a ranking by hand, for models small enough to list their states. */
function ByHand({ d }) {
  const states = S.check.state === "ok" ? S.check.payload.state_count : null;
  if (states === null || states > MAX_BY_HAND) return null;
  return html`<button type="button" class="secondary small" data-by-hand=${d} onClick=${() => rankByHand(d)}>Rank the ${states} states by hand instead</button>`;
}

function DmCard({ m, dm, d }) {
  const name = dm.name || dm.id || `DM ${d + 1}`;
  const key = `dm.${d}`;
  const path = at("dm", d);
  return html`<fieldset class="card dm" style=${{ "--dm-colour": dmColour(d) }}>
    <legend>${name}</legend>
    <div class="row">
      <${IdField} label="Id" obj=${dm} k=${`${key}.id`} path=${`${path}/id`} kind="dm" />
      <${Text} label="Name" obj=${dm} prop="name" k=${`${key}.name`} path=${`${path}/name`} />
      <${ListButtons} list=${m.dms} i=${d} what=${`decision maker ${name}`} k=${key} />
    </div>
    <${Text} label="Description" obj=${dm} prop="description" k=${`${key}.description`} path=${`${path}/description`} multiline wide />
    <${Text} label="Source" obj=${dm} prop="source" k=${`${key}.source`} path=${`${path}/source`} wide />
    <h4>Options</h4>
    <ol class="items">${dm.options.map((o, k) => html`<${OptionRow} m=${m} dm=${dm} d=${d} o=${o} k=${k} />`)}</ol>
    <${Add} label="Option" onAdd=${() => dm.options.push(newOption(`${dm.id || "dm"}_option${dm.options.length + 1}`))} />
    <h4>Preferences</h4>
    <${Select} label="Given as" obj=${dm} prop="mode" k=${`${key}.mode`}
      choices=${[["preferences", "option prioritization (statements, most important first)"], ["ranking", "ranking (tiers of states, best first)"], ["none", "none (indifferent)"]]} />
    ${dm.mode === "preferences" ? html`<${Statements} dm=${dm} d=${d} /><${ByHand} d=${d} />` : null}
    ${dm.mode === "ranking" ? html`<${Ranking} dm=${dm} d=${d} />` : null}
    <${OrderView} d=${d} />
    <${Text} label="Misperceived states (it can neither move to nor from them)" obj=${dm} prop="misperceives" k=${`${key}.misperceives`}
      path=${`${path}/misperceives`} code wide placeholder="Y/N/- patterns or expressions, comma-separated; empty: it sees every state" />
    <div class="row end">
      <button type="button" class="secondary small danger-text" onClick=${() => edit(() => m.dms.splice(d, 1))}>Remove ${name}</button>
    </div>
  </fieldset>`;
}

/** Adds an infeasible combination: the first options of the first two decision makers
 * together, to be clicked into the combination meant. */
async function addCombination(m) {
  const firsts = m.dms.slice(0, 2).map((dm) => dm.options[0]).filter(Boolean);
  try {
    const value = await conjunctionOf(Object.fromEntries(firsts.map((o) => [o.id, true])));
    added = `rule.${m.rules.length}.value`;
    edit(() => m.rules.push({ kind: "forbid", value, description: "", source: "" }));
  } catch (e) {
    S.banner = { message: "Cannot add the combination: " + failure(e).message, detail: "" };
    refresh();
  }
}

function Rules({ m }) {
  return html`<${Section} title="Feasibility rules">
    <ol class="items">${m.rules.map((r, i) => html`<li class="row">
      <${Select} label="Kind" obj=${r} prop="kind" k=${`rule.${i}.kind`} choices=${RULE_KINDS.map((k) => [k, k.replace(/_/g, " ")])} />
      <${Text} label="Condition" obj=${r} prop="value" k=${`rule.${i}.value`} path=${at("rule", i, r.kind)} code hint=${RULE_HELP[r.kind]} />
      <${ListButtons} list=${m.rules} i=${i} what=${`rule ${i + 1}`} k=${`rule.${i}`} />
      ${r.kind === "forbid" ? html`<${ValueClicks} obj=${r} prop="value" k=${`rule.${i}.value`} what="the infeasible combination" open=${added === `rule.${i}.value`} />` : null}
      <${Notes} obj=${r} k=${`rule.${i}`} path=${at("rule", i)} />
    </li>`)}</ol>
    <${Add} label="Rule" onAdd=${() => m.rules.push({ kind: "not_both", value: m.dms.flatMap((dm) => dm.options.map((o) => o.id)).slice(0, 2).join(", "), description: "", source: "" })} />
    <button type="button" class="secondary small add" id="add-combination" onClick=${() => addCombination(m)}>+ Infeasible combination</button>
  <//>`;
}

function StatusQuo({ m }) {
  const all = m.dms.flatMap((dm) => dm.options);
  const invalid = errorAt("statusQuo");
  return html`<${Section} title="Status quo">
    <label class="check"><input type="checkbox" id="sq-enabled" data-key="statusQuo" data-path=${at("status_quo")} checked=${!!m.statusQuo}
      aria-invalid=${invalid ? "true" : undefined} onChange=${(e) => edit(() => { m.statusQuo = e.currentTarget.checked ? [] : null; })} /> The model has a status quo</label>
    ${m.statusQuo ? html`<div class="sq-options" role="group" aria-label="Options that are Y at the status quo">
      ${all.map((o, k) => html`<label class="check"><input type="checkbox" id=${`sq-${k}`} checked=${m.statusQuo.includes(o.id)}
        onChange=${(e) => edit(() => { m.statusQuo = all.map((x) => x.id).filter((id) => (id === o.id ? e.currentTarget.checked : m.statusQuo.includes(id))); })} /> ${o.label || o.id}</label>`)}
    </div>` : null}
    <${FieldError} message=${invalid} />
  <//>`;
}

function NamedStates({ m }) {
  return html`<${Section} title="Named states">
    <ol class="items">${m.states.map((s, i) => html`<li class="row">
      <${Text} label="Name" obj=${s} prop="name" k=${`state.${i}.name`} path=${at("state", i, "name")} />
      <${Select} label="Given by" obj=${s} prop="by" k=${`state.${i}.by`} choices=${[["options", "options that are Y"], ["yn", "Y/N string"]]} />
      ${s.by === "yn"
        ? html`<${Text} label="Y/N" obj=${s} prop="yn" k=${`state.${i}.value`} path=${at("state", i, "yn")} code />`
        : html`<${Text} label="Options that are Y" obj=${s} prop="options" k=${`state.${i}.value`} path=${at("state", i, "options")} code placeholder="option ids, comma-separated" />`}
      <${ListButtons} list=${m.states} i=${i} what=${`named state ${s.name}`} k=${`state.${i}`} />
      <${Notes} obj=${s} k=${`state.${i}`} path=${at("state", i)} />
    </li>`)}</ol>
    <${Add} label="Named state" onAdd=${() => m.states.push({ name: `State ${m.states.length + 1}`, by: "options", yn: "", options: "", description: "", source: "" })} />
  <//>`;
}

function Coalitions({ m }) {
  return html`<${Section} title="Coalitions">
    <ol class="items">${m.coalitions.map((c, i) => html`<li class="row">
      <${Text} label="Members" obj=${c} prop="members" k=${`coalition.${i}.members`} path=${at("coalition", i, "members")} code placeholder="DM ids, comma-separated (two or more)" />
      <${ListButtons} list=${m.coalitions} i=${i} what=${`coalition ${i + 1}`} k=${`coalition.${i}`} />
      <${Notes} obj=${c} k=${`coalition.${i}`} path=${at("coalition", i)} />
    </li>`)}</ol>
    <${Add} label="Coalition" onAdd=${() => m.coalitions.push({ members: m.dms.slice(0, 2).map((dm) => dm.id).join(", "), description: "", source: "" })} />
  <//>`;
}

// ---------------------------------------------------------------- where an error is

/** The field of the form at `path` (a JSON Pointer from the server): the one whose own
 * path is the longest that holds it, else the first field inside it; none for the whole form. */
function fieldAt(path) {
  if (!path) return null;
  const within = (inner, outer) => inner === outer || inner.startsWith(outer + "/");
  const fields = [...document.querySelectorAll("#model-form [data-path]")];
  const holding = fields.filter((f) => within(path, f.dataset.path)).sort((a, b) => b.dataset.path.length - a.dataset.path.length);
  return holding[0] || fields.find((f) => within(f.dataset.path, path)) || null;
}

/** A field as the user knows it: its label, and the decision maker or section it is in. */
function fieldName(field) {
  const label = (field.labels && field.labels[0] ? field.labels[0].textContent : field.getAttribute("aria-label")) || "";
  const group = field.closest("fieldset.card, fieldset.section");
  const within = group ? group.querySelector("legend").textContent : "";
  return within ? `“${label.trim()}” in ${within}` : `“${label.trim()}”`;
}

/** After each drawing of the form: finds the field the check's error points at, and
 * unfolds it if it is folded away. */
function useErrorField() {
  useLayoutEffect(() => {
    const error = S.check.state === "error" ? S.check.error : null;
    const field = error && error.path !== undefined ? fieldAt(error.path) : null;
    const invalid = { key: field ? field.dataset.key : null, name: field ? fieldName(field) : "" };
    if (invalid.key !== S.invalid.key || invalid.name !== S.invalid.name) {
      S.invalid = invalid;
      const folded = field && field.closest("details");
      if (folded) folded.open = true;
      refresh();
    }
  });
}

// ---------------------------------------------------------------- the pane

function Validation() {
  const c = S.check;
  if (c.state === "pending") return html`<div id="validation" class="validation" role="status"><span class="pending">Checking…</span></div>`;
  if (c.state === "ok") {
    const p = c.payload;
    return html`<div id="validation" class="validation" role="status"><span class="ok">✓ Valid: </span>${
      `${count(p.decision_makers, "decision maker")}, ${count(p.options, "option")}, ${count(p.state_count, "feasible state")}`}${
      p.status_quo ? `, status quo state ${p.status_quo}` : ""}</div>`;
  }
  if (c.state !== "error") return html`<div id="validation" class="validation" role="status"></div>`;
  const d = c.error;
  const where = d.line ? ` (line ${d.line}, column ${d.column})` : d.path === undefined ? "" : S.invalid.name ? ` (in the form: ${S.invalid.name})` : " (in the form)";
  return html`<div id="validation" class="validation" role="status">
    <div class="error-message" id="validation-message">✗ ${d.message}<span class="muted"> —${where}</span></div>
    ${d.help ? html`<div class="help">Help: ${d.help}</div>` : null}
  </div>`;
}

function Preview() {
  const lines = S.preview.split("\n").slice(0, -1);
  return html`<details id="toml-details">
    <summary>Model file (TOML, as the server writes the form)</summary>
    ${S.check.state === "error" ? html`<p id="toml-stale" class="hint">The form has an error: this is its last valid version.</p>` : null}
    <pre id="toml-preview" tabindex="0" aria-label="The model as TOML">${lines.map((l, i) => html`<div><span class="ln">${String(i + 1).padStart(3)}</span> ${l}</div>`)}</pre>
  </details>`;
}

export function Editor() {
  useErrorField();
  const m = S.doc;
  const h = S.history;
  return html`<section id="editor" class="panel" aria-labelledby="editor-title">
    <div class="panel-head">
      <h2 id="editor-title">Model</h2>
      <span id="file-name" class="muted">${S.fileName}</span>
      <span class="undo-redo">
        <button type="button" id="undo" class="secondary small" disabled=${!h.past.length} onClick=${undo} title="Undo (Ctrl+Z)">↶ Undo</button>
        <button type="button" id="redo" class="secondary small" disabled=${!h.future.length} onClick=${redo} title="Redo (Ctrl+Shift+Z)">↷ Redo</button>
      </span>
    </div>
    <${Validation} />
    <form id="model-form" novalidate autocomplete="off" onSubmit=${(e) => e.preventDefault()}>
      <${Section} title="About">
        <${Text} label="Name" obj=${m} prop="name" k="name" path=${at("model", "name")} />
        <${Text} label="Description" obj=${m} prop="description" k="description" path=${at("model", "description")} multiline wide />
        <${Text} label="Source" obj=${m} prop="source" k="source" path=${at("model", "source")} multiline wide />
      <//>
      <${Section} title="Decision makers and their options">
        ${m.dms.map((dm, d) => html`<${DmCard} m=${m} dm=${dm} d=${d} />`)}
        <${Add} label="Decision maker" onAdd=${() => {
          const n = m.dms.length + 1;
          m.dms.push(newDm(`dm${n}`, `DM ${n}`, `dm${n}_option1`));
        }} />
      <//>
      <${Rules} m=${m} />
      <${StatusQuo} m=${m} />
      <${NamedStates} m=${m} />
      <${Coalitions} m=${m} />
    </form>
    <${Preview} />
  </section>`;
}
