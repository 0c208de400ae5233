// The model as the editor's fields hold it, and the model's JSON form that the server
// defines (the keys of a model file, docs/MODEL_FORMAT.md). The page keeps no model
// format of its own: these two functions only move values between fields and the form,
// which the server reads with the same parser as the CLI.

export const LIST_RULES = ["not_both", "at_least_one", "at_most_one", "exactly_one", "implies"];
export const RULE_KINDS = [...LIST_RULES, "require", "forbid"];

/** Turns the model's JSON form into the editor's fields. */
export function fromForm(d) {
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

/** A decision maker with one option and no preferences yet: indifferent, and valid. */
export function newDm(id, name, option, label = "") {
  return {
    id, name, description: "", source: "", mode: "preferences", preferences: [], ranking: [],
    ranking_description: "", ranking_source: "", misperceives: "", options: [newOption(option, label)],
  };
}

export const newOption = (id, label = "") => ({ id, label, irreversible: "", description: "", source: "" });

/** Two decision makers with one option each: four states, every one of them stable. */
export function blankModel() {
  return {
    name: "Untitled conflict", description: "", source: "", statusQuo: null, rules: [], states: [], coalitions: [],
    dms: [newDm("a", "A", "a_acts", "A acts"), newDm("b", "B", "b_acts", "B acts")],
  };
}

export const idList = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);
const tierItem = (item) => (/^\d+$/.test(item) ? Number(item) : item);
/** The entries of `fields` that are filled in: a model file leaves out the others. */
const filled = (obj, fields) => Object.fromEntries(fields.filter((k) => obj[k]).map((k) => [k, obj[k]]));
const NOTES = ["description", "source"];
/** A form path (JSON Pointer) from its parts. */
export const at = (...parts) => "/" + parts.join("/");

/** The editor's fields as the model's JSON form. */
export function formOf(m) {
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
