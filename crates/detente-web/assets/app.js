// detente workbench: the page's whole behaviour. The page edits the model's JSON
// form, which the server defines (the keys of a model file, docs/MODEL_FORMAT.md):
// every edit sends the form, and the server reads it with the same parser as the
// CLI, so messages carry the same help, and the path of the form field at fault.
"use strict";

const $ = (id) => document.getElementById(id);

/** Builds an element: h("button", {class: "x", onclick: f}, "text", child). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "value") el.value = v;
    else if (k === "checked") el.checked = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

const CONCEPTS = [
  ["nash", "Nash"], ["gmr", "GMR"], ["smr", "SMR"], ["seq", "SEQ"], ["sim", "SIM"], ["seqsim", "SEQ&SIM"],
];
const LIST_RULES = ["not_both", "at_least_one", "at_most_one", "exactly_one", "implies"];
const RULE_KINDS = [...LIST_RULES, "require", "forbid"];
const RULE_HELP = {
  not_both: "option ids, comma-separated: not all of them Y together",
  at_least_one: "option ids, comma-separated: at least one Y",
  at_most_one: "option ids, comma-separated: at most one Y",
  exactly_one: "option ids, comma-separated: exactly one Y",
  implies: "two option ids: first, then second (p → q)",
  require: "an expression that must hold, e.g. !(a & b) | c",
  forbid: "an expression whose states are infeasible, e.g. a & !b",
};
// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
const DM_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B"];
/** Above this many states the page does not re-analyse on every edit. */
const AUTO_ANALYSE_MAX_STATES = 100000;
const PAGE_SIZE = 100;

const app = {
  doc: null,          // the model being edited, as the form's fields hold it
  form: null,         // the model's JSON form, sent in every request
  formText: "",       // the form as JSON text, to tell whether an answer is still current
  preview: "",        // the TOML the server wrote from the last valid form
  check: null,        // last /api/check answer
  checkError: null,
  tableau: null,      // last /api/tableau answer
  offset: 0,
  selected: null,     // selected state id
  analysedForm: null, // the form (as text) the shown results belong to
  graphSvg: null,
};

// ---------------------------------------------------------------- API

/** Calls the API; the answer is parsed JSON, or the text itself with `raw` (files to download). */
async function api(path, body, raw) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const type = response.headers.get("Content-Type") || "";
  const payload = type.includes("json") && (!raw || !response.ok) ? await response.json() : await response.text();
  if (!response.ok) {
    const error = (payload && payload.error) || { message: `HTTP ${response.status}` };
    throw Object.assign(new Error(error.message), { status: response.status, detail: error });
  }
  return { payload, response };
}

function modelBody(extra) {
  return Object.assign({ form: app.form }, extra || {});
}

function showBanner(message, detail) {
  const banner = $("banner");
  banner.replaceChildren(h("strong", {}, message), detail ? h("span", {}, " " + detail) : null,
    h("button", { type: "button", class: "small secondary", onclick: () => { banner.hidden = true; } }, "Dismiss"));
  banner.hidden = false;
}

/** Shows a failed request's message and help in place of a panel's results. */
function showPanelError(bodyId, e) {
  const t = errorText(e);
  $(bodyId).replaceChildren(h("p", { class: "error-message" }, t.message), t.help ? h("p", { class: "help" }, t.help) : null);
}

function errorText(e) {
  const d = e.detail || {};
  return { message: (d.message || e.message) + place(d), help: d.help || "" };
}

/** Where an error is: a line and column of the uploaded file, or a field of the form. */
function place(d) {
  if (d.line) return ` (line ${d.line}, column ${d.column})`;
  if (d.path === undefined) return "";
  const field = fieldAt(d.path);
  return field ? ` (in the form: ${fieldName(field)})` : " (in the form)";
}

// ---------------------------------------------------------------- the form <-> the editor's fields

/** Turns the model's JSON form into the editor's fields. */
function fromForm(d) {
  const model = d.model || {};
  const dms = (d.dm || []).map((dm) => ({
    id: dm.id || "", name: dm.name || "", description: dm.description || "", source: dm.source || "",
    mode: dm.ranking ? "ranking" : (dm.preferences ? "preferences" : "none"),
    preferences: (dm.preferences || []).map((p) => typeof p === "string"
      ? { statement: p, description: "", source: "", priority: "" }
      : { statement: p.statement || "", description: p.description || "", source: p.source || "", priority: rangeText(p.priority) }),
    ranking: (dm.ranking || []).map((tier) => {
      const uncertain = tier !== null && typeof tier === "object" && !Array.isArray(tier);
      const items = uncertain ? tier.tier : tier;
      return { items: (Array.isArray(items) ? items : [items]).join(", "), priority: uncertain ? rangeText(tier.priority) : "" };
    }),
    misperceives: (dm.misperceives || []).join(", "),
    ranking_description: dm.ranking_description || "", ranking_source: dm.ranking_source || "",
    options: (dm.option || []).map((o) => ({
      id: o.id || "", label: o.label || "", irreversible: o.irreversible || "",
      description: o.description || "", source: o.source || "",
    })),
  }));
  const optionIds = dms.flatMap((dm) => dm.options.map((o) => o.id));
  let sq = d.status_quo !== undefined ? d.status_quo : model.status_quo;
  if (typeof sq === "string") sq = optionIds.filter((_, k) => (sq[k] || "").toUpperCase() === "Y");
  const rules = (d.rule || []).map((r) => {
    const kind = RULE_KINDS.find((k) => r[k] !== undefined) || "require";
    const v = r[kind];
    return { kind, value: Array.isArray(v) ? v.join(", ") : (v || ""), description: r.description || "", source: r.source || "" };
  });
  const states = (d.state || []).map((s) => ({
    name: s.name || "", by: s.yn !== undefined ? "yn" : "options",
    yn: s.yn || "", options: (s.options || []).join(", "), description: s.description || "", source: s.source || "",
  }));
  const coalitions = (d.coalition || []).map((c) => ({
    members: (c.members || []).join(", "), description: c.description || "", source: c.source || "",
  }));
  return {
    name: model.name || "", description: model.description || "", source: model.source || "",
    statusQuo: Array.isArray(sq) ? sq : null, dms, rules, states, coalitions,
  };
}

/** `priority = [lo, hi]` as the form's "lo-hi" text ("" when certain). */
function rangeText(range) {
  return Array.isArray(range) && range.length === 2 ? `${range[0]}-${range[1]}` : "";
}

/** The field's "lo-hi" text as `[lo, hi]`; malformed text is passed on for the server to point at. */
function rangeValue(text) {
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : text;
}

function blankModel() {
  return {
    name: "Untitled conflict", description: "", source: "", statusQuo: null, rules: [], states: [], coalitions: [],
    dms: [
      { id: "a", name: "A", description: "", source: "", mode: "preferences", preferences: [], ranking: [], ranking_description: "", ranking_source: "", misperceives: "", options: [{ id: "a_acts", label: "A acts", irreversible: "", description: "", source: "" }] },
      { id: "b", name: "B", description: "", source: "", mode: "preferences", preferences: [], ranking: [], ranking_description: "", ranking_source: "", misperceives: "", options: [{ id: "b_acts", label: "B acts", irreversible: "", description: "", source: "" }] },
    ],
  };
}

const idList = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);
const tierItem = (item) => (/^\d+$/.test(item) ? Number(item) : item);
/** The entries of `fields` that are filled in: a model file leaves out the others. */
const filled = (obj, fields) => Object.fromEntries(fields.filter((k) => obj[k]).map((k) => [k, obj[k]]));
const NOTES = ["description", "source"];
/** A form path (JSON Pointer) from its parts. */
const at = (...parts) => "/" + parts.join("/");

/** The editor's fields as the model's JSON form. */
function formOf(m) {
  const form = { format: "detente/1" };
  if (m.statusQuo) form.status_quo = m.statusQuo;
  form.model = { name: m.name, ...filled(m, NOTES) };
  form.dm = m.dms.map((dm) => {
    const out = { id: dm.id, ...filled(dm, ["name", ...NOTES]) };
    if (dm.mode === "preferences") {
      out.preferences = dm.preferences.map((p) => (p.description || p.source || p.priority
        ? { statement: p.statement, ...(p.priority ? { priority: rangeValue(p.priority) } : {}), ...filled(p, NOTES) }
        : p.statement));
    } else if (dm.mode === "ranking") {
      out.ranking = dm.ranking.map((tier) => {
        const items = idList(tier.items).map(tierItem);
        const value = items.length === 1 ? items[0] : items;
        return tier.priority ? { tier: value, priority: rangeValue(tier.priority) } : value;
      });
      Object.assign(out, filled(dm, ["ranking_description", "ranking_source"]));
    }
    if (dm.misperceives.trim()) out.misperceives = idList(dm.misperceives);
    out.option = dm.options.map((o) => ({ id: o.id, ...filled(o, ["label", "irreversible", ...NOTES]) }));
    return out;
  });
  form.rule = m.rules.map((r) => ({ [r.kind]: LIST_RULES.includes(r.kind) ? idList(r.value) : r.value, ...filled(r, NOTES) }));
  form.state = m.states.map((s) => ({ name: s.name, ...(s.by === "yn" ? { yn: s.yn } : { options: idList(s.options) }), ...filled(s, NOTES) }));
  form.coalition = m.coalitions.map((c) => ({ members: idList(c.members), ...filled(c, NOTES) }));
  return form;
}

// ---------------------------------------------------------------- editor

let checkTimer = null;

/** Called after every change to the model: rebuild the form and check it soon. */
function changed(structural) {
  app.form = formOf(app.doc);
  app.formText = JSON.stringify(app.form);
  document.title = `${app.doc.name || "Untitled"} · detente workbench`;
  if (structural) renderForm();
  $("validation").replaceChildren(h("span", { class: "pending" }, "Checking…"));
  clearTimeout(checkTimer);
  checkTimer = setTimeout(runCheck, 300);
}

async function runCheck() {
  const sent = app.formText;
  try {
    const { payload } = await api("/api/check", modelBody());
    if (sent !== app.formText) return;
    app.check = payload;
    app.checkError = null;
    app.preview = payload.toml;
    markInvalid(null);
    $("validation").replaceChildren(h("span", { class: "ok" }, "✓ Valid: "),
      `${payload.decision_makers} decision makers, ${payload.options} options, ${payload.state_count.toLocaleString()} feasible states` +
      (payload.status_quo ? `, status quo state ${payload.status_quo}` : ""));
    renderPreview();
    if (app.analysedForm !== null && app.analysedForm !== app.formText) {
      if (payload.state_count <= AUTO_ANALYSE_MAX_STATES) analyse();
      else $("stats").textContent = "The model has changed: press Analyse to update the results.";
    }
  } catch (e) {
    if (sent !== app.formText) return;
    app.check = null;
    app.checkError = e.detail || { message: e.message };
    showCheckError(app.checkError);
  }
}

function showCheckError(d) {
  $("validation").replaceChildren(
    h("div", { class: "error-message", id: "validation-message" }, "✗ ", d.message, h("span", { class: "muted" }, " —" + place(d))),
    d.help ? h("div", { class: "help" }, "Help: " + d.help) : null);
  markInvalid(d.path);
  renderPreview();
}

/** The field of the form at `path` (a JSON Pointer from the server): the one whose own
 * path is the longest that holds it, else the first field inside it; none for the whole form. */
function fieldAt(path) {
  if (!path) return null;
  const within = (inner, outer) => inner === outer || inner.startsWith(outer + "/");
  const fields = [...document.querySelectorAll("[data-path]")];
  const holding = fields.filter((f) => within(path, f.dataset.path))
    .sort((a, b) => b.dataset.path.length - a.dataset.path.length);
  return holding[0] || fields.find((f) => within(f.dataset.path, path)) || null;
}

/** A field as the user knows it: its label, and the decision maker or section it is in. */
function fieldName(field) {
  const label = (field.labels && field.labels[0] ? field.labels[0].textContent : field.getAttribute("aria-label")) || "";
  const group = field.closest("fieldset.card, fieldset.section");
  const within = group ? group.querySelector("legend").textContent : "";
  return within ? `“${label}” in ${within}` : `“${label}”`;
}

/** Marks the form field an error points at, and says so next to it. */
function markInvalid(path) {
  document.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  document.querySelectorAll(".field-error").forEach((el) => el.remove());
  const field = fieldAt(path);
  if (!field) return;
  // A field folded away (a statement's priority, a description) is unfolded to be seen.
  const folded = field.closest("details");
  if (folded) folded.open = true;
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", "validation-message");
  const note = h("div", { class: "field-error" }, app.checkError ? app.checkError.message : "");
  field.closest(".field, .row, li, fieldset")?.append(note);
}

/** The TOML the server writes from the form, as of the last valid form. */
function renderPreview() {
  $("toml-preview").replaceChildren(...app.preview.split("\n").slice(0, -1).map((l, i) =>
    h("div", {}, h("span", { class: "ln" }, String(i + 1).padStart(3)), " " + l)));
  $("toml-stale").hidden = !app.checkError;
}

/** A labelled text input bound to obj[prop]; `opts.path` is where its value is in the form. */
function text(label, obj, prop, key, opts) {
  const o = opts || {};
  const id = "f-" + key.replace(/\./g, "-");
  const input = h(o.multiline ? "textarea" : "input", {
    id, "data-key": key, "data-path": o.path, value: obj[prop], placeholder: o.placeholder, rows: o.multiline ? 2 : undefined,
    spellcheck: o.code ? "false" : undefined, class: o.code ? "code" : undefined,
    oninput: (e) => {
      const before = obj[prop];
      obj[prop] = e.target.value;
      if (o.renamed) o.renamed(before, e.target.value);
      changed(false);
    },
  });
  if (!o.multiline) input.type = "text";
  return h("div", { class: "field" + (o.wide ? " wide" : "") }, h("label", { for: id }, label), input,
    o.hint ? h("small", { class: "hint", id: id + "-hint" }, o.hint) : null);
}

function select(label, obj, prop, key, choices, onchange, path) {
  const id = "f-" + key.replace(/\./g, "-");
  return h("div", { class: "field" }, h("label", { for: id }, label),
    h("select", {
      id, "data-key": key, "data-path": path,
      onchange: (e) => { obj[prop] = e.target.value; if (onchange) onchange(); changed(!!onchange); },
    }, choices.map(([v, l]) => h("option", { value: v, selected: obj[prop] === v }, l))));
}

/** Up, down and remove buttons for item i of list; focus follows the moved item. */
function listButtons(list, i, what, key) {
  const move = (delta) => () => {
    const j = i + delta;
    [list[i], list[j]] = [list[j], list[i]];
    changed(true);
    const again = document.querySelector(`[data-move="${key.replace(/\d+$/, j)}:${delta}"]`);
    (again && !again.disabled ? again : document.querySelector(`[data-move="${key.replace(/\d+$/, j)}:${-delta}"]`))?.focus();
  };
  return h("div", { class: "list-buttons" },
    h("button", { type: "button", class: "icon", "aria-label": `Move ${what} up`, title: "Move up", disabled: i === 0, "data-move": `${key}:-1`, onclick: move(-1) }, "↑"),
    h("button", { type: "button", class: "icon", "aria-label": `Move ${what} down`, title: "Move down", disabled: i === list.length - 1, "data-move": `${key}:1`, onclick: move(1) }, "↓"),
    h("button", { type: "button", class: "icon danger", "aria-label": `Remove ${what}`, title: "Remove", onclick: () => { list.splice(i, 1); changed(true); } }, "✕"));
}

/** Keeps the status quo and named states pointing at an option whose id is being edited. */
function renameOption(m, before, after) {
  if (m.statusQuo) m.statusQuo = m.statusQuo.map((id) => (id === before ? after : id));
  m.states.forEach((s, i) => {
    if (s.by !== "options") return;
    s.options = idList(s.options).map((id) => (id === before ? after : id)).join(", ");
    const field = document.querySelector(`[data-key="state.${i}.value"]`);
    if (field) field.value = s.options;
  });
}

/** The DM that controls option k of DM d; choosing another moves the option to that DM. */
function owner(m, d, k) {
  const id = `f-dm-${d}-opt-${k}-owner`;
  return h("div", { class: "field" }, h("label", { for: id }, "Owner"),
    h("select", {
      id,
      onchange: (e) => {
        const to = Number(e.target.value);
        const [moved] = m.dms[d].options.splice(k, 1);
        m.dms[to].options.push(moved);
        changed(true);
        $(`f-dm-${to}-opt-${m.dms[to].options.length - 1}-owner`)?.focus();
      },
    }, m.dms.map((dm, i) => h("option", { value: i, selected: i === d }, dm.name || dm.id || `DM ${i + 1}`))));
}

function addButton(label, onclick) {
  return h("button", { type: "button", class: "secondary small add", onclick: () => { onclick(); changed(true); } }, "+ " + label);
}

function renderForm() {
  const m = app.doc;
  const allOptions = m.dms.flatMap((dm) => dm.options);
  const form = $("model-form");
  const section = (title, ...body) => h("fieldset", { class: "section" }, h("legend", {}, title), ...body);

  const about = section("About",
    text("Name", m, "name", "name", { path: at("model", "name") }),
    text("Description", m, "description", "description", { multiline: true, wide: true, path: at("model", "description") }),
    text("Source", m, "source", "source", { multiline: true, wide: true, path: at("model", "source") }));

  const dms = section("Decision makers and their options",
    ...m.dms.map((dm, d) => {
      const name = dm.name || dm.id || `DM ${d + 1}`;
      return h("fieldset", { class: "card dm", style: `--dm-colour: ${DM_COLOURS[d % DM_COLOURS.length]}` },
        h("legend", {}, name),
        h("div", { class: "row" },
          text("Id", dm, "id", `dm.${d}.id`, { code: true, path: at("dm", d, "id") }),
          text("Name", dm, "name", `dm.${d}.name`, { path: at("dm", d, "name") }),
          listButtons(m.dms, d, `decision maker ${name}`, `dm.${d}`)),
        text("Description", dm, "description", `dm.${d}.description`, { multiline: true, wide: true, path: at("dm", d, "description") }),
        text("Source", dm, "source", `dm.${d}.source`, { wide: true, path: at("dm", d, "source") }),
        h("h4", {}, "Options"),
        h("ol", { class: "items" }, dm.options.map((o, k) => h("li", { class: "row option-row" },
          text("Id", o, "id", `dm.${d}.opt.${k}.id`, { code: true, path: at("dm", d, "option", k, "id"), renamed: (before, after) => renameOption(m, before, after) }),
          text("Label", o, "label", `dm.${d}.opt.${k}.label`, { path: at("dm", d, "option", k, "label") }),
          select("Reversibility", o, "irreversible", `dm.${d}.opt.${k}.irreversible`,
            [["", "reversible"], ["forward", "N → Y only"], ["backward", "Y → N only"]], undefined, at("dm", d, "option", k, "irreversible")),
          owner(m, d, k),
          listButtons(dm.options, k, `option ${o.id}`, `dm.${d}.opt.${k}`),
          h("details", { class: "more" }, h("summary", {}, "Description and source"),
            text("Description", o, "description", `dm.${d}.opt.${k}.description`, { multiline: true, wide: true, path: at("dm", d, "option", k, "description") }),
            text("Source", o, "source", `dm.${d}.opt.${k}.source`, { wide: true, path: at("dm", d, "option", k, "source") }))))),
        addButton("Option", () => dm.options.push({ id: `${dm.id || "dm"}_option${dm.options.length + 1}`, label: "", irreversible: "", description: "", source: "" })),
        h("h4", {}, "Preferences"),
        select("Given as", dm, "mode", `dm.${d}.mode`,
          [["preferences", "option prioritization (statements, most important first)"], ["ranking", "ranking (tiers of states, best first)"], ["none", "none (indifferent)"]], () => {}),
        dm.mode === "preferences" ? h("div", {},
          h("ol", { class: "items statements", "data-key": `dm.${d}.prefs`, "data-path": at("dm", d, "preferences"), "aria-label": "Preference statements" }, dm.preferences.map((p, j) => h("li", { class: "row" },
            h("span", { class: "priority", "aria-hidden": "true" }, String(j + 1)),
            text(`Statement ${j + 1}`, p, "statement", `dm.${d}.pref.${j}`, { code: true, path: at("dm", d, "preferences", j), placeholder: "e.g. !escalate or withdraw if blockade" }),
            listButtons(dm.preferences, j, `statement ${j + 1}`, `dm.${d}.pref.${j}`),
            h("details", { class: "more" }, h("summary", {}, "Uncertainty, description and source"),
              text("Uncertain priority (positions lo-hi)", p, "priority", `dm.${d}.pref.${j}.priority`, { code: true, path: at("dm", d, "preferences", j, "priority"), placeholder: "e.g. 2-4: may rank anywhere from 2nd to 4th" }),
              text("Description", p, "description", `dm.${d}.pref.${j}.description`, { wide: true, path: at("dm", d, "preferences", j, "description") }),
              text("Source", p, "source", `dm.${d}.pref.${j}.source`, { wide: true, path: at("dm", d, "preferences", j, "source") }))))),
          addButton("Statement", () => dm.preferences.push({ statement: "", description: "", source: "", priority: "" })),
          h("small", { class: "hint" }, "Expressions: option ids with ! (not), & (and), | (or), -> (implies), if, <-> (iff), parentheses.")) : null,
        dm.mode === "ranking" ? h("div", {},
          h("ol", { class: "items", "data-key": `dm.${d}.ranking`, "data-path": at("dm", d, "ranking"), "aria-label": "Ranking" }, dm.ranking.map((t, j) => h("li", { class: "row" },
            h("span", { class: "priority", "aria-hidden": "true" }, String(j + 1)),
            text(`Tier ${j + 1}`, t, "items", `dm.${d}.tier.${j}`, { code: true, path: at("dm", d, "ranking", j), placeholder: "Y/N/- patterns, expressions or state numbers, comma-separated (a tie)" }),
            listButtons(dm.ranking, j, `tier ${j + 1}`, `dm.${d}.tier.${j}`),
            h("details", { class: "more" }, h("summary", {}, "Uncertainty"),
              text("Uncertain priority (positions lo-hi)", t, "priority", `dm.${d}.tier.${j}.priority`, { code: true, path: at("dm", d, "ranking", j, "priority"), placeholder: "e.g. 1-3" }))))),
          addButton("Tier", () => dm.ranking.push({ items: "", priority: "" })),
          h("small", { class: "hint" }, "Every feasible state must be matched by exactly one tier."),
          h("details", { class: "more" }, h("summary", {}, "Description and source of the ranking"),
            text("Description", dm, "ranking_description", `dm.${d}.ranking_description`, { wide: true, path: at("dm", d, "ranking_description") }),
            text("Source", dm, "ranking_source", `dm.${d}.ranking_source`, { wide: true, path: at("dm", d, "ranking_source") }))) : null,
        text("Misperceived states (it can neither move to nor from them)", dm, "misperceives", `dm.${d}.misperceives`, { code: true, wide: true, path: at("dm", d, "misperceives"), placeholder: "Y/N/- patterns or expressions, comma-separated; empty: it sees every state" }),
        h("div", { class: "row end" },
          h("button", { type: "button", class: "secondary small danger-text", onclick: () => { m.dms.splice(d, 1); changed(true); } }, `Remove ${name}`)));
    }),
    addButton("Decision maker", () => {
      const n = m.dms.length + 1;
      m.dms.push({ id: `dm${n}`, name: `DM ${n}`, description: "", source: "", mode: "preferences", preferences: [], ranking: [], ranking_description: "", ranking_source: "", misperceives: "", options: [{ id: `dm${n}_option1`, label: "", irreversible: "", description: "", source: "" }] });
    }));

  const rules = section("Feasibility rules",
    h("ol", { class: "items" }, m.rules.map((r, i) => h("li", { class: "row" },
      select("Kind", r, "kind", `rule.${i}.kind`, RULE_KINDS.map((k) => [k, k.replace(/_/g, " ")]), () => {}),
      text("Condition", r, "value", `rule.${i}.value`, { code: true, path: at("rule", i, r.kind), hint: RULE_HELP[r.kind] }),
      listButtons(m.rules, i, `rule ${i + 1}`, `rule.${i}`),
      h("details", { class: "more" }, h("summary", {}, "Description and source"),
        text("Description", r, "description", `rule.${i}.description`, { wide: true, path: at("rule", i, "description") }),
        text("Source", r, "source", `rule.${i}.source`, { wide: true, path: at("rule", i, "source") }))))),
    addButton("Rule", () => m.rules.push({ kind: "not_both", value: "", description: "", source: "" })));

  const sq = section("Status quo",
    h("label", { class: "check" }, h("input", {
      type: "checkbox", id: "sq-enabled", "data-key": "statusQuo", "data-path": at("status_quo"), checked: !!m.statusQuo,
      onchange: (e) => { m.statusQuo = e.target.checked ? [] : null; changed(true); },
    }), " The model has a status quo"),
    m.statusQuo ? h("div", { class: "sq-options", role: "group", "aria-label": "Options that are Y at the status quo" },
      allOptions.map((o, k) => h("label", { class: "check" }, h("input", {
        type: "checkbox", checked: m.statusQuo.includes(o.id), id: `sq-${k}`,
        onchange: (e) => {
          m.statusQuo = allOptions.map((x) => x.id).filter((id) => (id === o.id ? e.target.checked : m.statusQuo.includes(id)));
          changed(false);
        },
      }), " ", o.label || o.id))) : null);

  const states = section("Named states",
    h("ol", { class: "items" }, m.states.map((s, i) => h("li", { class: "row" },
      text("Name", s, "name", `state.${i}.name`, { path: at("state", i, "name") }),
      select("Given by", s, "by", `state.${i}.by`, [["options", "options that are Y"], ["yn", "Y/N string"]], () => {}),
      s.by === "yn" ? text("Y/N", s, "yn", `state.${i}.value`, { code: true, path: at("state", i, "yn") })
        : text("Options that are Y", s, "options", `state.${i}.value`, { code: true, path: at("state", i, "options"), placeholder: "option ids, comma-separated" }),
      listButtons(m.states, i, `named state ${s.name}`, `state.${i}`),
      h("details", { class: "more" }, h("summary", {}, "Description and source"),
        text("Description", s, "description", `state.${i}.description`, { wide: true, path: at("state", i, "description") }),
        text("Source", s, "source", `state.${i}.source`, { wide: true, path: at("state", i, "source") }))))),
    addButton("Named state", () => m.states.push({ name: `State ${m.states.length + 1}`, by: "options", yn: "", options: "", description: "", source: "" })));

  const coalitions = section("Coalitions",
    h("ol", { class: "items" }, m.coalitions.map((c, i) => h("li", { class: "row" },
      text("Members", c, "members", `coalition.${i}.members`, { code: true, path: at("coalition", i, "members"), placeholder: "DM ids, comma-separated (two or more)" }),
      listButtons(m.coalitions, i, `coalition ${i + 1}`, `coalition.${i}`),
      h("details", { class: "more" }, h("summary", {}, "Description and source"),
        text("Description", c, "description", `coalition.${i}.description`, { wide: true, path: at("coalition", i, "description") }),
        text("Source", c, "source", `coalition.${i}.source`, { wide: true, path: at("coalition", i, "source") }))))),
    addButton("Coalition", () => m.coalitions.push({ members: m.dms.slice(0, 2).map((dm) => dm.id).join(", "), description: "", source: "" })));

  const focused = document.activeElement && document.activeElement.id;
  form.replaceChildren(about, dms, rules, sq, states, coalitions);
  if (focused && $(focused)) $(focused).focus();
  if (app.checkError) markInvalid(app.checkError.path);
}

// ---------------------------------------------------------------- loading models

/** Runs page work, marking the page busy meanwhile (a wait cursor; tests wait on it too). */
async function busy(work) {
  app.busy = (app.busy || 0) + 1;
  document.body.dataset.busy = "true";
  try {
    return await work();
  } finally {
    if (--app.busy === 0) delete document.body.dataset.busy;
  }
}

async function loadText(model, fileName) {
  return busy(() => loadTextNow(model, fileName));
}

async function loadTextNow(model, fileName) {
  try {
    const { payload } = await api("/api/import", { model, file_name: fileName });
    app.doc = fromForm(payload.form);
    $("file-name").textContent = fileName;
    resetResults();
    changed(true);
    clearTimeout(checkTimer);
    await runCheck();
    if (payload.error) showBanner("The file loaded but is not a valid model yet:", errorText({ detail: payload.error }).message);
    else {
      $("banner").hidden = true;
      if (app.check) { defaultConcepts(app.check.state_count); await analyse(); }
    }
  } catch (e) {
    const t = errorText(e);
    showBanner(`Cannot open ${fileName}: ${t.message}`, t.help);
  }
}

async function loadExample(name) {
  return busy(() => loadExampleNow(name));
}

async function loadExampleNow(name) {
  try {
    const { payload } = await api(`/api/examples/${encodeURIComponent(name)}`);
    await loadText(payload.source, payload.file_name.split("/").pop());
  } catch (e) {
    showBanner("Cannot open the example: " + errorText(e).message);
  }
}

function resetResults() {
  app.tableau = null;
  app.offset = 0;
  app.selected = null;
  app.analysedForm = null;
  app.filterOptions = {};
  $("state-panel").hidden = true;
  for (const id of ["summary", "equilibria", "tableau", "graph", "graph-legend"]) $(id).replaceChildren();
  $("summary").append(h("p", { class: "muted" }, "Press Analyse to see which states are stable for whom."));
  $("stats").textContent = "";
  $("page-info").textContent = "";
  app.graphSvg = null;
  $("graph-center").value = "";
  for (const id of ["coalitions-body", "foresight-body", "robustness-body", "inverse-body"]) $(id).replaceChildren();
}

// ---------------------------------------------------------------- analysis and tableau

/** As the CLI does: SIM and SEQ&SIM only up to 100,000 states unless asked for. */
function defaultConcepts(states) {
  const big = states > AUTO_ANALYSE_MAX_STATES;
  for (const [k] of CONCEPTS) $(`concept-${k}`).checked = !(big && (k === "sim" || k === "seqsim"));
  $("concept-note").textContent = big ? "SIM and SEQ&SIM are off for models over 100,000 states (their search is slow there); tick them to include them." : "";
}

function chosenConcepts() {
  return CONCEPTS.map(([k]) => k).filter((k) => $(`concept-${k}`).checked);
}

function tableauRequest() {
  const filter = { options: app.filterOptions || {} };
  if ($("filter-concept").value) filter.concept = $("filter-concept").value;
  if ($("filter-dm").value) filter.dm = $("filter-dm").value;
  const by = $("sort-by").value;
  // State numbers run up; "equilibria first" and a DM's preference run best first; the box reverses either.
  const reverse = $("sort-descending").checked;
  const sort = { by: by.startsWith("pref:") ? "preference" : by, descending: by === "state" ? reverse : !reverse };
  if (by.startsWith("pref:")) sort.dm = by.slice(5);
  return modelBody({ concepts: chosenConcepts(), offset: app.offset, limit: PAGE_SIZE, filter, sort });
}

let analysing = 0;
async function analyse() {
  return busy(analyseNow);
}

async function analyseNow() {
  if (!chosenConcepts().length) { showBanner("Choose at least one solution concept."); return; }
  const ticket = ++analysing;
  const sent = app.formText;
  $("analyze").disabled = true;
  $("stats").textContent = "Analysing…";
  try {
    const { payload } = await api("/api/tableau", tableauRequest());
    if (ticket !== analysing) return;
    app.tableau = payload;
    app.analysedForm = sent;
    renderResults();
    if (app.selected && app.selected <= payload.state_count) selectState(app.selected, false);
    drawGraph();
  } catch (e) {
    if (ticket !== analysing) return;
    const t = errorText(e);
    $("stats").textContent = "";
    showBanner("Cannot analyse: " + t.message, t.help);
  } finally {
    if (ticket === analysing) $("analyze").disabled = false;
  }
}

/** Fills a select, keeping its value when still offered. */
function fill(sel, choices) {
  const old = sel.value;
  sel.replaceChildren(...choices.map(([v, l]) => h("option", { value: v }, l)));
  if (choices.some(([v]) => v === old)) sel.value = old;
}

function renderResults() {
  const t = app.tableau;
  const ms = t.elapsed_ms < 10 ? t.elapsed_ms.toFixed(1) : Math.round(t.elapsed_ms).toLocaleString();
  $("stats").textContent = `${t.state_count.toLocaleString()} feasible states · analysed in ${ms} ms`;
  $("summary").replaceChildren(h("details", { open: t.summary.length <= 8 },
    h("summary", {}, `In words (${t.summary.length} points)`), h("ul", {}, t.summary.map((s) => h("li", {}, s)))));
  $("equilibria").replaceChildren(h("h3", {}, "Equilibria"), h("dl", { class: "eq-list" }, t.concepts.map((c) => {
    const e = t.equilibria[c.key];
    return [h("dt", {}, c.label, h("span", { class: "muted count" }, ` (${e.count.toLocaleString()})`)), h("dd", { "data-concept": c.key, "data-states": e.states.join(" ") },
      e.count === 0 ? h("span", { class: "muted" }, "none") :
        [...e.states.map((id) => h("button", { type: "button", class: "state-link", onclick: () => selectState(id) }, String(id))),
          e.count > e.states.length ? h("span", { class: "muted" }, ` … and ${(e.count - e.states.length).toLocaleString()} more`) : null])];
  })));
  fill($("filter-concept"), [["", "all states"], ...t.concepts.map((c) => [c.key, `stable under ${c.label}`])]);
  fill($("filter-dm"), [["", "every DM (equilibria)"], ...t.decision_makers.map((d) => [d.name, d.name])]);
  fill($("sort-by"), [["state", "state number"], ["equilibria", "equilibria first"], ...t.decision_makers.map((d) => [`pref:${d.name}`, `${d.name}'s preference`])]);
  fill($("graph-concept"), t.concepts.map((c) => [c.key, c.label]));
  // A small model's graph is drawn whole; a large one's around a state.
  $("graph-radius").value = t.state_count <= Number($("graph-max").value) ? "6" : "1";
  // Coalitional stability exists for Nash, GMR, SMR and SEQ only.
  fill($("coalition-concept"), t.concepts.filter((c) => ["nash", "gmr", "smr", "seq"].includes(c.key)).map((c) => [c.key, c.label]));
  renderVaryBoxes(t.decision_makers.map((d) => d.name));
  renderOptionFilters();
  renderTableau();
}

function renderOptionFilters() {
  const t = app.tableau;
  $("option-filters").replaceChildren(...t.options.map((o) => {
    const id = `of-${o.id}`;
    return h("label", { for: id, class: "option-filter" }, o.label,
      h("select", { id, onchange: (e) => {
        const v = e.target.value;
        if (v === "") delete app.filterOptions[o.id]; else app.filterOptions[o.id] = v === "Y";
        app.offset = 0; refreshTableau();
      } }, [["", "any"], ["Y", "Y"], ["N", "N"]].map(([v, l]) => h("option", {
        value: v, selected: (app.filterOptions[o.id] === true && v === "Y") || (app.filterOptions[o.id] === false && v === "N") }, l))));
  }));
}

async function refreshTableau() {
  if (!app.tableau) return;
  try {
    const { payload } = await api("/api/tableau", Object.assign(tableauRequest(), { summary: false }));
    app.tableau = Object.assign(payload, { summary: app.tableau.summary });
    renderTableau();
  } catch (e) {
    const t = errorText(e);
    showBanner("Cannot show the tableau: " + t.message, t.help);
  }
}

function renderTableau() {
  const t = app.tableau;
  const dms = t.decision_makers;
  // Column headers sort too: by state number, or by a DM's preference (best first); again to reverse.
  const sortedBy = $("sort-by").value;
  const reversed = $("sort-descending").checked;
  const ariaSort = (value) => (sortedBy === value ? ((value === "state") !== reversed ? "ascending" : "descending") : undefined);
  const sortButton = (value, label, what) => h("button", {
    type: "button", class: "sort-button", title: `Sort by ${what}`,
    onclick: () => {
      $("sort-descending").checked = sortedBy === value ? !reversed : false;
      $("sort-by").value = value;
      app.offset = 0;
      refreshTableau();
    },
  }, label, { ascending: " ▲", descending: " ▼" }[ariaSort(value)] || "");
  const head1 = h("tr", {}, h("th", { rowspan: 2, scope: "col", "aria-sort": ariaSort("state") }, sortButton("state", "State", "state number")),
    dms.map((d, i) => {
      const n = t.options.filter((o) => o.decision_maker === i).length;
      return n ? h("th", { colspan: n, scope: "colgroup", class: "dm-head", "aria-sort": ariaSort(`pref:${d.name}`), style: `--dm-colour: ${DM_COLOURS[i % DM_COLOURS.length]}` },
        sortButton(`pref:${d.name}`, d.name, `${d.name}'s preference`)) : null;
    }),
    t.concepts.map((c) => h("th", { rowspan: 2, scope: "col", class: "concept-head" }, c.label)),
    h("th", { rowspan: 2, scope: "col" }, "Equilibrium"));
  const head2 = h("tr", {}, t.options.map((o) => h("th", { scope: "col", class: "option-head", title: o.label }, h("span", {}, o.label))));
  const body = t.rows.map((r) => h("tr", {
    "data-state": r.id, class: [r.equilibrium.length ? "eq" : "", r.status_quo ? "sq" : "", r.id === app.selected ? "selected" : ""].join(" "),
    onclick: () => selectState(r.id),
  },
  h("th", { scope: "row", title: r.description }, h("button", { type: "button", class: "state-link", "aria-label": `Explain state ${r.id}: ${r.description}` }, String(r.id)), r.status_quo ? h("span", { class: "badge sq-badge", title: "status quo" }, "SQ") : null,
    r.names.map((n) => h("span", { class: "badge name-badge", title: n }, n))),
  [...r.yn].map((c) => h("td", { class: c === "Y" ? "yes" : "no" }, c)),
  t.concepts.map((c) => {
    const marks = r.stable[c.key];
    const eq = r.equilibrium.includes(c.key);
    return h("td", { class: "marks" + (eq ? " eq-cell" : ""), "aria-label": `${c.label}: ` + dms.map((d, i) => `${d.name} ${marks[i] ? "stable" : "unstable"}`).join(", ") },
      marks.map((s, i) => h("span", { class: s ? "mark stable" : "mark unstable", style: `--dm-colour: ${DM_COLOURS[i % DM_COLOURS.length]}`, title: `${dms[i].name}: ${s ? "stable" : "unstable"}` }, s ? "✓" : "·")));
  }),
  h("td", { class: "eq-names" }, r.equilibrium.map((k) => t.concepts.find((c) => c.key === k).label).join(" "))));
  $("tableau").replaceChildren(
    h("caption", { class: "visually-hidden" }, "Feasible states: option values, stability for each DM under each concept (✓ stable), equilibria"),
    h("thead", {}, head1, head2), h("tbody", {}, body));
  const last = Math.min(t.offset + t.rows.length, t.matching);
  $("page-info").textContent = t.matching === 0 ? "No state matches the filters."
    : `States ${(t.offset + 1).toLocaleString()}–${last.toLocaleString()} of ${t.matching.toLocaleString()}` + (t.matching !== t.state_count ? ` matching (of ${t.state_count.toLocaleString()})` : "");
  $("page-prev").disabled = t.offset === 0;
  $("page-next").disabled = last >= t.matching;
}

// ---------------------------------------------------------------- one state: explanation and evolution

async function selectState(id, scroll = true) {
  app.selected = id;
  document.querySelectorAll("#tableau tr.selected").forEach((r) => r.classList.remove("selected"));
  document.querySelector(`#tableau tr[data-state="${id}"]`)?.classList.add("selected");
  const panel = $("state-panel");
  panel.hidden = false;
  $("state-title").textContent = `State ${id}`;
  $("state-body").replaceChildren(h("p", { class: "pending" }, "Explaining…"));
  const concepts = chosenConcepts();
  try {
    const [explained, evolution] = await Promise.all([
      api("/api/explain", modelBody({ state: id, concepts })),
      app.tableau && app.tableau.status_quo ? api("/api/evolve", modelBody({ to: id, concepts })).catch(() => null) : null,
    ]);
    if (app.selected !== id) return;
    renderState(explained.payload, evolution && evolution.payload);
    $("graph-center").value = id;
    $("foresight-state").value = id;
    $("inverse-state").value = id;
    drawGraph();
    if (scroll) panel.scrollIntoView({ behavior: "smooth", block: "nearest" });
  } catch (e) {
    showPanelError("state-body", e);
  }
}

const conceptLabel = (k) => (CONCEPTS.find(([key]) => key === k) || [k, k])[1];

function renderState(x, evo) {
  const dmIndex = (name) => (app.tableau ? app.tableau.decision_makers.findIndex((d) => d.name === name) : 0);
  const stateLink = (n) => h("button", { type: "button", class: "state-link", onclick: () => selectState(n) }, `state ${n}`);
  const verdicts = x.decision_makers.map((dm) => {
    const colour = DM_COLOURS[dmIndex(dm.decision_maker) % DM_COLOURS.length];
    const still = dm.verdicts.every((v) => v.improvements.length === 0);
    return h("section", { class: "verdicts", style: `--dm-colour: ${colour}` }, h("h4", {}, dm.decision_maker),
      still ? h("p", { class: "stable-note" }, "No unilateral improvement from here: stable under ",
        dm.verdicts.map((v) => conceptLabel(v.concept)).join(", "), ".") : null,
      h("ul", { hidden: still }, dm.verdicts.map((v) => h("li", { class: v.stable ? "stable" : "unstable", "data-concept": v.concept },
        h("strong", {}, `${conceptLabel(v.concept)}: ${v.stable ? "stable" : "unstable"}`),
        v.improvements.length === 0 ? h("span", {}, " — no unilateral improvement from here.") :
          h("ul", {}, v.improvements.map((m) => h("li", {}, "Can move to ", stateLink(m.to), ` (${m.change}): `,
            m.sanction ? h("span", {}, "deterred — " + m.sanction.text + ".") : h("span", { class: "undeterred" }, "not deterred.")))))),
      ));
  });
  const path = (steps) => h("ol", { class: "path" }, steps.map((s) => h("li", {},
    h("span", { class: "mover", style: `--dm-colour: ${DM_COLOURS[dmIndex(s.decision_maker) % DM_COLOURS.length]}` }, s.decision_maker),
    ` ${s.change} → `, stateLink(s.to), h("div", { class: "muted" }, s.why))));
  /** The equilibria an evolution reaches, each with its shortest path. */
  const reachable = (e, from, open) => h("details", { open },
    h("summary", {}, `Equilibria reachable from ${from} (${e.reachable_equilibria.length}${e.unlisted_equilibria ? "+" : ""}; ${e.reachable_count.toLocaleString()} states reachable)`),
    h("ul", {}, e.reachable_equilibria.map((q) => h("li", {}, stateLink(q.state), ` ${q.yn} — ${q.concepts.map(conceptLabel).join(", ")}`,
      q.path.length ? path(q.path) : h("span", { class: "muted" }, " (the start itself)")))));
  let evolution = null;
  if (evo) {
    const target = evo.target;
    evolution = h("section", { class: "evolution" }, h("h4", {}, `From the status quo (state ${evo.start})`),
      target.state === evo.start ? h("p", {}, "This is the status quo.")
        : target.reachable ? [h("p", {}, `Reachable by unilateral improvements in ${target.path.length} move${target.path.length === 1 ? "" : "s"}:`), path(target.path)]
          : h("p", {}, "Not reachable from the status quo by unilateral improvements."),
      reachable(evo, "the status quo", false));
  }
  const onward = h("div", { id: "onward" });
  const onwardButton = h("button", { type: "button", class: "secondary small", onclick: async () => {
    onward.replaceChildren(h("p", { class: "pending" }, "Searching…"));
    try {
      const { payload } = await api("/api/evolve", modelBody({ from: x.state, concepts: chosenConcepts() }));
      onward.replaceChildren(reachable(payload, `state ${x.state}`, true));
    } catch (e) {
      onward.replaceChildren(h("p", { class: "error-message" }, errorText(e).message));
    }
  } }, "Where can the conflict go from here?");
  $("state-body").replaceChildren(
    h("p", { class: "state-desc" }, h("code", {}, x.yn), " ", x.description,
      x.status_quo ? h("span", { class: "badge sq-badge" }, "status quo") : null, ...x.named.map((n) => h("span", { class: "badge name-badge" }, n))),
    h("div", { class: "verdict-grid", id: "explanation" }, verdicts), evolution,
    h("section", { class: "evolution" }, h("h4", {}, "Onward"), onwardButton, onward),
    h("section", { class: "evolution" }, h("h4", {}, "Further analyses of this state"),
      h("button", { type: "button", class: "secondary small", id: "state-foresight", onclick: () => runFor("foresight", runForesight) }, "Lines of play with foresight"), " ",
      h("button", { type: "button", class: "secondary small", id: "state-inverse", onclick: () => runFor("inverse", runInverse) }, "What would make it an equilibrium?")));
}

/** Runs a panel's analysis for the selected state and brings the panel into view. */
function runFor(panel, run) {
  $(`${panel}-panel`).scrollIntoView({ behavior: "smooth", block: "start" });
  run();
}

// ---------------------------------------------------------------- graph

async function drawGraph() {
  if (!app.tableau) return;
  const center = Number($("graph-center").value) || app.tableau.status_quo || 1;
  try {
    const { payload } = await api("/api/graph", modelBody({
      concepts: chosenConcepts(), center, radius: Number($("graph-radius").value), max_nodes: Number($("graph-max").value),
    }));
    renderGraph(payload);
  } catch (e) {
    $("graph").replaceChildren(h("p", { class: "error-message" }, errorText(e).message));
  }
}

const SVG = "http://www.w3.org/2000/svg";
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) el.setAttribute(k, v);
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function renderGraph(g) {
  const concept = $("graph-concept").value;
  const onlyImprovements = $("graph-improvements").checked;
  const rings = new Map();
  for (const n of g.nodes) { if (!rings.has(n.distance)) rings.set(n.distance, []); rings.get(n.distance).push(n); }
  // Each ring is far enough out for its states to sit 46 px apart, and 90 px beyond the last.
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
  const defs = s("defs", {}, g.decision_makers.map((_, i) => s("marker", {
    id: `arrow-${i}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse",
  }, s("path", { d: "M0,0 L10,5 L0,10 z", fill: DM_COLOURS[i % DM_COLOURS.length] }))));
  // Among many states, moves between the centre's neighbours hide the ones that matter:
  // unless the analyst chose otherwise, only moves into and out of the centre are drawn.
  if (!app.centreOnlyChosen) $("graph-centre-only").checked = g.nodes.length > 16;
  const centreOnly = $("graph-centre-only").checked;
  const edges = g.edges.filter((e) => (!onlyImprovements || e.improvement) && (!centreOnly || e.from === g.center || e.to === g.center)).map((e) => {
    const [x1, y1] = pos.get(e.from), [x2, y2] = pos.get(e.to);
    const dx = x2 - x1, dy = y2 - y1, len = Math.hypot(dx, dy) || 1;
    const ux = dx / len, uy = dy / len, r = 18;
    // Bend each edge to its left, so moves both ways between two states stay apart.
    const bend = 14;
    const sx = x1 + ux * r, sy = y1 + uy * r, ex = x2 - ux * (r + 2), ey = y2 - uy * (r + 2);
    const mx = (sx + ex) / 2 - uy * bend, my = (sy + ey) / 2 + ux * bend;
    return s("path", {
      d: `M${sx.toFixed(1)},${sy.toFixed(1)} Q${mx.toFixed(1)},${my.toFixed(1)} ${ex.toFixed(1)},${ey.toFixed(1)}`,
      class: e.improvement ? "edge improvement" : "edge", stroke: DM_COLOURS[e.dm % DM_COLOURS.length],
      "stroke-dasharray": e.improvement ? null : "5 4", "marker-end": `url(#arrow-${e.dm})`,
    }, s("title", {}, `${g.decision_makers[e.dm]}: state ${e.from} → ${e.to}${e.improvement ? " (improvement)" : ""}`));
  });
  const nodes = g.nodes.map((n) => {
    const [x, y] = pos.get(n.id);
    const eq = n.equilibrium.includes(concept);
    const label = `State ${n.id} (${n.yn}): ${n.description}${n.status_quo ? ", status quo" : ""}${eq ? ", equilibrium" : ""}`;
    const node = s("g", { class: `node${eq ? " eq" : ""}${n.status_quo ? " sq" : ""}${n.id === app.selected ? " selected" : ""}`,
      transform: `translate(${x.toFixed(1)},${y.toFixed(1)})`, tabindex: 0, role: "button", "aria-label": label, "data-state": n.id },
    s("title", {}, label),
    eq ? s("circle", { r: 22, class: "eq-ring" }) : null,
    n.status_quo ? s("rect", { x: -17, y: -17, width: 34, height: 34, rx: 5, class: "body" }) : s("circle", { r: 16, class: "body" }),
    s("text", { "text-anchor": "middle", dy: "0.35em" }, String(n.id)));
    node.addEventListener("click", () => selectState(n.id));
    node.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); selectState(n.id); } });
    return node;
  });
  const svg = s("svg", { xmlns: SVG, viewBox: `0 0 ${size} ${size}`, width: size, height: size, role: "group", "aria-label": `Graph of ${g.nodes.length} states around state ${g.center}` },
    s("style", {}, GRAPH_STYLE), defs, s("g", {}, edges), s("g", {}, nodes));
  app.graphSvg = svg;
  const note = g.complete ? `All ${g.state_count} states.` :
    `${g.nodes.length} of ${g.state_count.toLocaleString()} states: those within ${$("graph-radius").value} move${$("graph-radius").value === "1" ? "" : "s"} of state ${g.center}${g.cut ? " (cut at the limit; raise “Most states” or lower “Moves away”)" : ""}.`;
  $("graph").replaceChildren(h("p", { class: "muted" }, note, g.edges_cut ? " Some moves are left out." : ""), svg);
  $("graph-legend").replaceChildren(
    ...g.decision_makers.map((name, i) => h("span", { class: "legend-item" }, h("span", { class: "swatch", style: `background:${DM_COLOURS[i % DM_COLOURS.length]}` }), name)),
    h("span", { class: "legend-item" }, "— improvement, - - other move, ◎ equilibrium, ▢ status quo"));
}

const GRAPH_STYLE = `
.edge { fill: none; stroke-width: 1.4; opacity: .75 }
.edge.improvement { stroke-width: 2.2; opacity: 1 }
.node .body { fill: #fff; stroke: #334; stroke-width: 1.5 }
.node.sq .body { fill: #fff4d6; stroke: #8a5a00; stroke-width: 2.5 }
.node .eq-ring { fill: #e8f5e9; stroke: #1b7f3b; stroke-width: 3 }
.node.selected .body { stroke: #1a56db; stroke-width: 4 }
.node text { font: 600 12px system-ui, sans-serif; fill: #112 }
.node { cursor: pointer }
.node:focus { outline: none }
.node:focus .body { stroke: #1a56db; stroke-width: 4 }
`;

// ---------------------------------------------------------------- coalitions

async function runCoalitions() {
  const concept = $("coalition-concept").value || "seq";
  $("coalitions-body").replaceChildren(h("p", { class: "pending" }, "Examining coalitions…"));
  try {
    const { payload } = await api("/api/coalitions", modelBody({ concept, all: $("coalitions-all").checked }));
    const eqs = payload.equilibria;
    const label = conceptLabel(concept);
    const stateLink = (id) => h("button", { type: "button", class: "state-link", onclick: () => selectState(id) }, `${id}`);
    const coalitional = payload.coalition_equilibria;
    $("coalitions-body").replaceChildren(
      h("p", {}, `Coalitions examined (besides each DM alone): ${payload.coalitions.map((c) => c.join(" + ")).join("; ") || "none"}.`),
      h("p", {}, `Coalitional ${label} equilibria: `,
        coalitional.length ? coalitional.flatMap((id, k) => k ? [", ", stateLink(id)] : [stateLink(id)]) : "none", "."),
      h("p", {}, `${eqs.length} ${label} equilibri${eqs.length === 1 ? "um" : "a"} examined against ${payload.coalitions.length} coalitions.`),
      h("ul", {}, eqs.map((e) => h("li", {}, h("button", { type: "button", class: "state-link", onclick: () => selectState(e.state) }, `State ${e.state}`), ` ${e.description}: `,
        e.upsets.length === 0 ? "no coalition can upset it: every joint improvement is deterred." :
          h("ul", {}, e.upsets.map((u) => h("li", {}, `${u.coalition.join(" + ")} together: ${u.change} (to state ${u.to.join(", ")}${u.undeterred > u.to.length ? ", …" : ""})` +
            (concept === "nash" ? "" : `; no response deters ${u.undeterred_for.join(" or ")}`))))))));
  } catch (e) {
    showPanelError("coalitions-body", e);
  }
}

// ---------------------------------------------------------------- foresight, robustness, inverse

const stateButton = (id, label) => h("button", { type: "button", class: "state-link", onclick: () => selectState(id) }, label || String(id));

/** State links separated by commas, the first `most` of them. */
function stateLinks(ids, most = 60) {
  if (!ids.length) return "none";
  return [ids.slice(0, most).flatMap((id, k) => k ? [", ", stateButton(id)] : [stateButton(id)]),
    ids.length > most ? h("span", { class: "muted" }, ` … and ${ids.length - most} more`) : null];
}

/** A whole number from an input, or the panel's message when it is not one. */
function whole(id, what) {
  const value = $(id).value.trim();
  if (!/^\d+$/.test(value)) throw Object.assign(new Error(`${what} must be a whole number.`), { detail: {} });
  return Number(value);
}

async function runForesight() {
  const body = $("foresight-body");
  body.replaceChildren(h("p", { class: "pending" }, "Looking ahead…"));
  try {
    const horizon = whole("foresight-horizon", "Moves ahead");
    const at = $("foresight-state").value.trim();
    const states = at ? [whole("foresight-state", "The state for lines of play")] : [];
    const { payload } = await api("/api/foresight", modelBody({ horizon, outlook: $("foresight-outlook").value, states }));
    const nm = payload.non_myopic;
    const verdict = (dm, state) => {
      if ((nm.oscillating[dm] || []).includes(state)) return "oscillates";
      if (!nm.settled_at[dm]) return "unknown";
      return (nm.stable[dm] || []).includes(state) ? "stable" : "unstable";
    };
    const lines = payload.lines_of_play.map((line) => h("li", { "data-dm": line.dm },
      h("strong", {}, `${line.dm}: `), line.stable ? "stable" : "unstable", ` at L${payload.horizon}; NM ${verdict(line.dm, line.state)}. `,
      line.steps.length === 0 ? "It has no improving move." :
        ["Line of play: ", stateButton(line.state), line.steps.map((step) => [" → ", stateButton(step.to), ` (${step.mover} ${step.change})`]),
          line.ends_at != null ? ["; it ends at ", stateButton(line.ends_at), "."] : "."]));
    body.replaceChildren(h("div", {},
      h("p", { class: "foresight-lh", "data-states": payload.limited_move.equilibria.join(" ") }, `L${payload.horizon} equilibria (${payload.outlook}, ${payload.limited_move.equilibria.length}): `, stateLinks(payload.limited_move.equilibria)),
      h("p", { class: "foresight-nm", "data-states": (nm.equilibria || []).join(" ") }, nm.equilibria === null ? "Non-myopic equilibria: unknown (the anticipations did not settle within the foresight limit)." :
        [`Non-myopic equilibria (${nm.equilibria.length}): `, stateLinks(nm.equilibria)]),
      lines.length ? [h("h4", {}, `At state ${payload.lines_of_play[0].state}`), h("ul", { class: "foresight-lines" }, lines)] : null));
  } catch (e) {
    showPanelError("foresight-body", e);
  }
}

async function runRobustness() {
  const body = $("robustness-body");
  body.replaceChildren(h("p", { class: "pending" }, "Analysing the preference profiles…"));
  try {
    const { payload } = await api("/api/robustness", modelBody({
      concepts: chosenConcepts(),
      exact_limit: whole("robustness-exact", "The exact limit"),
      samples: whole("robustness-samples", "The number of samples"),
      seed: whole("robustness-seed", "The seed"),
    }));
    const percent = (share) => `${(100 * share).toFixed(share > 0 && share < 0.001 ? 2 : 1)}%`;
    const profiles = payload.profiles === null ? "more than 2^128" : payload.profiles.toLocaleString();
    const method = payload.method === "exact" ? `every one of the ${profiles} profiles (exact shares)` :
      `${payload.analysed.toLocaleString()} profiles drawn at random from ${profiles} with seed ${payload.seed} (estimated shares)`;
    const best = (st) => Math.max(...payload.concepts.map((c) => st.equilibrium[c].share));
    const rows = payload.states.filter((st) => payload.concepts.some((c) => st.equilibrium[c].count > 0 || st.equilibrium[c].as_written))
      .sort((a, b) => best(b) - best(a) || a.state - b.state);
    const shown = rows.slice(0, 40);
    body.replaceChildren(h("div", {},
      h("p", { class: "robustness-method" }, `Analysed ${method}.`),
      payload.uncertain.length ? h("p", {}, "Uncertain: ", payload.uncertain.map((u, k) => [k ? "; " : "",
        `${u.decision_maker}'s ${u.kind} ${u.element} (${u.text}) may rank ${u.positions[0]} to ${u.positions[1]}`]), ".") :
        h("p", { class: "muted" }, "The model has no uncertain priorities: one profile, the model as written."),
      rows.length === 0 ? h("p", {}, "No state is an equilibrium under any profile.") :
        h("table", { class: "shares" },
          h("caption", { class: "hint" }, `States that are equilibria under some profile (${rows.length}${rows.length > shown.length ? `, the ${shown.length} most robust shown` : ""}); * an equilibrium as written`),
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "State"), payload.concepts.map((c) => h("th", { scope: "col" }, conceptLabel(c))))),
          h("tbody", {}, shown.map((st) => h("tr", { "data-state": st.state }, h("td", {}, stateButton(st.state), st.names.length ? ` ${st.names.join(", ")}` : ""),
            payload.concepts.map((c) => h("td", { "data-concept": c }, percent(st.equilibrium[c].share), st.equilibrium[c].as_written ? "*" : ""))))))));
  } catch (e) {
    showPanelError("robustness-body", e);
  }
}

/** One box per DM to vary, all ticked; kept as they are while the DMs stay the same. */
function renderVaryBoxes(names) {
  const box = $("inverse-vary");
  const current = [...box.querySelectorAll("input")].map((i) => i.value);
  if (current.join("\n") === names.join("\n")) return;
  box.replaceChildren(h("legend", {}, "Vary the preferences of"),
    ...names.map((name) => h("label", { class: "check" }, h("input", { type: "checkbox", value: name, checked: true }), " ", name)));
}

async function runInverse() {
  const body = $("inverse-body");
  body.replaceChildren(h("p", { class: "pending" }, "Deriving the conditions…"));
  try {
    const state = whole("inverse-state", "The target state");
    const ticked = (id) => [...$(id).querySelectorAll("input:checked")].map((i) => i.value);
    const { payload } = await api("/api/inverse", modelBody({
      state, vary: ticked("inverse-vary"), concepts: ticked("inverse-concepts"), count: $("inverse-count").checked,
    }));
    const ranks = (c) => [`${c.decision_maker} ranks `, stateButton(c.above, `state ${c.above}`), " above ", stateButton(c.below, `state ${c.below}`)];
    const all = (list) => list.flatMap((c, k) => k ? [" and ", ranks(c)] : [ranks(c)]);
    const count = (x) => {
      if (x.count_error) return h("p", { class: "muted" }, `Not counted: ${x.count_error}`);
      if (!x.count) return null;
      const big = (digits, log) => digits.length <= 15 ? Number(digits).toLocaleString() : `about 10^${log.toFixed(1)}`;
      if (x.count.rankings === "0") return h("p", { class: "inverse-count" }, "Rankings that make it an equilibrium: none.");
      return h("p", { class: "inverse-count" }, `Rankings that make it an equilibrium: ${big(x.count.rankings, x.count.log10_rankings ?? 0)} of ${big(x.count.total, x.count.log10_total)} (${(100 * x.count.fraction).toPrecision(3)}%).`);
    };
    const varied = payload.varied.length ? payload.varied.join(", ") : "no DM";
    body.replaceChildren(h("div", {},
      h("p", {}, "Target: ", stateButton(payload.target.state, `state ${payload.target.state}`), ` (${payload.target.description || payload.target.yn}${payload.target.named.length ? `; ${payload.target.named.join(", ")}` : ""}), varying ${varied}.`),
      payload.concepts.map((x) => h("section", { class: "inverse-concept", "data-concept": x.concept, "data-equilibrium": x.equilibrium },
        h("h4", {}, `${conceptLabel(x.concept)}: `, { always: "always an equilibrium", never: "never an equilibrium", conditional: "an equilibrium under conditions", error: "not answered" }[x.equilibrium]),
        x.error ? h("p", { class: "muted" }, x.error) : null,
        x.obstacle ? h("p", {}, `${x.obstacle.text}.`) : null,
        x.required.length ? h("p", {}, "Always required: ", all(x.required), ".") : null,
        x.requirements.length ? h("ul", {}, x.requirements.map((r) => h("li", {},
          `To deter ${r.decision_maker}'s move to `, stateButton(r.move_to, `state ${r.move_to}`), ` (${r.change}), one of: `,
          r.alternatives.slice(0, 6).flatMap((alt, k) => k ? ["; or ", all(alt)] : [all(alt)]),
          r.alternatives.length > 6 ? h("span", { class: "muted" }, `; … ${r.alternatives.length - 6} more alternatives`) : null, "."))) : null,
        count(x)))));
  } catch (e) {
    showPanelError("inverse-body", e);
  }
}

// ---------------------------------------------------------------- exports

function download(name, type, content) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function exportAs(kind) {
  const stem = (app.doc.name || "model").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "model";
  try {
    if (kind === "toml") download(`${stem}.toml`, "application/toml", (await api("/api/convert", modelBody({ to: "toml" }), true)).payload);
    else if (kind === "gmcr") download(`${stem}.gmcr`, "application/json", (await api("/api/convert", modelBody({ to: "gmcr" }), true)).payload);
    else if (kind === "json") download(`${stem}-analysis.json`, "application/json", (await api("/api/analyze", modelBody({ concepts: chosenConcepts() }), true)).payload);
    else if (kind === "csv") download(`${stem}-analysis.csv`, "text/csv", (await api("/api/analyze", modelBody({ concepts: chosenConcepts(), format: "csv" }))).payload);
    else if (kind === "svg") {
      if (!app.graphSvg) throw new Error("Draw the graph first.");
      download(`${stem}-graph.svg`, "image/svg+xml", new XMLSerializer().serializeToString(app.graphSvg));
    } else if (kind === "print") window.print();
  } catch (e) {
    const t = errorText(e);
    showBanner("Cannot export: " + t.message, t.help);
  }
}

// ---------------------------------------------------------------- start

async function start() {
  $("concept-boxes").replaceChildren(...CONCEPTS.map(([k, label]) => h("label", { class: "check" },
    h("input", { type: "checkbox", id: `concept-${k}`, checked: true }), " ", label)));
  $("analyze").addEventListener("click", analyse);
  $("load-example").addEventListener("click", () => loadExample($("example-select").value));
  $("blank-model").addEventListener("click", () => {
    app.doc = blankModel();
    $("file-name").textContent = "new model";
    resetResults();
    changed(true);
  });
  $("file-input").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    if (file.size > 4 * 1024 * 1024) { showBanner(`${file.name} is ${(file.size / 1048576).toFixed(1)} MiB; the workbench takes files up to 4 MiB.`); return; }
    await loadText(await file.text(), file.name);
    e.target.value = "";
  });
  for (const id of ["filter-concept", "filter-dm", "sort-by", "sort-descending"]) $(id).addEventListener("change", () => { app.offset = 0; refreshTableau(); });
  $("clear-filters").addEventListener("click", () => {
    $("filter-concept").value = ""; $("filter-dm").value = ""; $("sort-by").value = "state"; $("sort-descending").checked = false;
    app.filterOptions = {}; app.offset = 0;
    if (app.tableau) renderOptionFilters();
    refreshTableau();
  });
  $("page-prev").addEventListener("click", () => { app.offset = Math.max(0, app.offset - PAGE_SIZE); refreshTableau(); });
  $("page-next").addEventListener("click", () => { app.offset += PAGE_SIZE; refreshTableau(); });
  $("goto-state").addEventListener("change", (e) => {
    const id = Number(e.target.value);
    if (!(id >= 1)) return;
    // In the unfiltered tableau in state order, turn to the page that holds the state.
    const plain = !$("filter-concept").value && !Object.keys(app.filterOptions || {}).length && $("sort-by").value === "state" && !$("sort-descending").checked;
    if (plain && app.tableau && id <= app.tableau.state_count) {
      app.offset = Math.floor((id - 1) / PAGE_SIZE) * PAGE_SIZE;
      refreshTableau().then(() => document.querySelector(`#tableau tr[data-state="${id}"]`)?.scrollIntoView({ block: "nearest" }));
    }
    selectState(id);
  });
  $("graph-draw").addEventListener("click", drawGraph);
  for (const id of ["graph-radius", "graph-max", "graph-concept", "graph-improvements"]) $(id).addEventListener("change", drawGraph);
  $("graph-center").addEventListener("change", drawGraph);
  $("graph-centre-only").addEventListener("change", () => { app.centreOnlyChosen = true; drawGraph(); });
  $("coalitions-run").addEventListener("click", runCoalitions);
  $("foresight-run").addEventListener("click", runForesight);
  $("robustness-run").addEventListener("click", runRobustness);
  $("inverse-run").addEventListener("click", runInverse);
  $("inverse-concepts").append(...CONCEPTS.filter(([k]) => ["nash", "gmr", "smr", "seq"].includes(k)).map(([k, label]) =>
    h("label", { class: "check" }, h("input", { type: "checkbox", value: k, checked: true }), " ", label)));
  // A printed report shows every folded section of the results.
  window.addEventListener("beforeprint", () => document.querySelectorAll("#results details").forEach((d) => { d.open = true; }));
  document.querySelectorAll("[data-export]").forEach((b) => b.addEventListener("click", () => exportAs(b.dataset.export)));
  try {
    const { payload } = await api("/api/examples");
    $("example-select").replaceChildren(...payload.map((e) => h("option", { value: e.name }, `${e.title} (${e.name})`)));
    // `#example=cuban` opens that example, `#blank` a blank model; otherwise the first (NRC).
    const asked = /^#example=(.+)$/.exec(location.hash);
    if (location.hash === "#blank") $("blank-model").click();
    else {
      const name = asked && payload.some((e) => e.name === asked[1]) ? asked[1] : payload[0].name;
      $("example-select").value = name;
      await loadExample(name);
    }
  } catch (e) {
    showBanner("Cannot reach the detente server: " + e.message);
  }
}

start();
