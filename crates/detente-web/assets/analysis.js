// The analysis of the model and everything asked about it: the tableau, the verdicts,
// one state's explanation, the graph and the further analyses. Every request about
// results sends the form that was analysed, so results stay consistent while the
// model is edited; they are stale as soon as the model no longer matches them.

import { api, cancelled, failure } from "./api.js";
import { AUTO_ANALYSE_MAX_STATES, S, batch, busy, onModel, refresh, showBanner } from "./store.js";

export const PAGE_SIZE = 100;
const SLOW_CONCEPTS = ["sim", "seqsim"];

const panel = (settings) => ({ settings, loading: false, payload: null, error: null });
const initialPanels = () => ({
  coalitions: panel({ concept: "", all: false }),
  foresight: panel({ horizon: "2", outlook: "cautious", state: "" }),
  robustness: panel({ exact: "4096", samples: "1000", seed: "1" }),
  inverse: panel({ state: "", unvaried: [], concepts: { nash: true, gmr: true, smr: true, seq: true }, count: false }),
});

export const A = {
  /** The concepts ticked, by key. */
  chosen: {},
  conceptNote: "",
  /** The results shown: the form analysed (and its text), its tableau page and verdicts. */
  results: null,
  /** The analysis under way: its controller (to cancel it) and when it started. */
  running: null,
  error: null,
  view: { offset: 0, concept: "", dm: "", options: {}, sort: "state", descending: false },
  selected: null,
  /** The selected state's explanation, its path from the status quo and onward equilibria. */
  explained: null,
  onward: null,
  graph: { radius: "1", max: "40", concept: "", improvements: true, centreOnly: false, centreOnlyChosen: false, center: "", payload: null, error: null },
  panels: initialPanels(),
  /** States in words, by number, for the model of the results. */
  descriptions: new Map(),
  /** Analyse once the model just opened is found valid, whatever its size. */
  analyseWhenValid: false,
};

/** Whether results are shown for a model that has since changed. */
export const stale = () => !!A.results && A.results.formText !== S.formText;

export const chosenConcepts = () => S.concepts.map((c) => c.key).filter((k) => A.chosen[k]);

export const conceptLabel = (key) => (S.concepts.find((c) => c.key === key) || { label: key }).label;

onModel((kind) => {
  if (kind === "opened") {
    A.results = null;
    A.error = null;
    A.selected = null;
    A.explained = null;
    A.onward = null;
    A.view = { offset: 0, concept: "", dm: "", options: {}, sort: "state", descending: false };
    A.graph = { ...A.graph, center: "", payload: null, error: null, centreOnlyChosen: false };
    A.panels = initialPanels();
    A.descriptions = new Map();
    A.analyseWhenValid = true;
    if (A.running) A.running.controller.abort();
  } else if (kind === "valid") {
    const states = S.check.payload.state_count;
    if (A.analyseWhenValid) defaultConcepts(states);
    if (A.analyseWhenValid || (stale() && states <= AUTO_ANALYSE_MAX_STATES) || (!A.results && states <= AUTO_ANALYSE_MAX_STATES)) {
      A.analyseWhenValid = false;
      analyse();
    }
  }
});

/** As the CLI does: SIM and SEQ&SIM only up to 100,000 states unless asked for. */
function defaultConcepts(states) {
  const big = states > AUTO_ANALYSE_MAX_STATES;
  for (const c of S.concepts) A.chosen[c.key] = !(big && SLOW_CONCEPTS.includes(c.key));
  A.conceptNote = big ? "SIM and SEQ&SIM are off for models over 100,000 states (their search is slow there); tick them to include them." : "";
}

/** A request about the results: the analysed form and the concepts analysed. */
export function about(extra) {
  return { form: A.results.form, ...extra };
}

// ---------------------------------------------------------------- analysing

let ticket = 0;

export function analyse() {
  return busy(analyseNow);
}

async function analyseNow() {
  const concepts = chosenConcepts();
  if (!concepts.length) {
    showBanner("Choose at least one solution concept.");
    return;
  }
  const mine = ++ticket;
  if (A.running) A.running.controller.abort();
  const controller = new AbortController();
  A.running = { controller, started: Date.now() };
  const { form, formText } = S;
  pruneView(form, concepts);
  refresh();
  try {
    const signal = controller.signal;
    const [tableau, verdicts] = await Promise.all([
      api("/api/tableau", { form, concepts, ...tableauQuery() }, { signal }),
      // The verdicts' failure is shown in their place; the analysis stands without them.
      api("/api/verdicts", { form, concepts }, { signal }).then((r) => r.payload,
        (e) => (cancelled(e) ? Promise.reject(e) : { error: failure(e) })),
    ]);
    if (mine !== ticket) return;
    if (!A.results || A.results.formText !== formText) A.descriptions = new Map();
    A.results = { form, formText, concepts, tableau: tableau.payload, summary: tableau.payload.summary, verdicts };
    A.error = null;
    remember(tableau.payload.rows);
    if (!verdicts.error) remember(verdicts.verdicts.map((v) => ({ id: v.state, description: v.description })));
    A.graph.concept = concepts.includes(A.graph.concept) ? A.graph.concept : concepts[0];
    // A small model's graph is drawn whole; a large one's around a state.
    A.graph.radius = tableau.payload.state_count <= Number(A.graph.max) ? "6" : "1";
    if (A.selected && A.selected <= tableau.payload.state_count) selectState(A.selected, false);
    else {
      A.selected = null;
      A.explained = null;
      drawGraph();
    }
  } catch (e) {
    // One of its requests cancelled: the other stops too.
    if (cancelled(e)) controller.abort();
    if (mine !== ticket) return;
    A.error = cancelled(e) ? { message: "The analysis was cancelled.", help: "" } : failure(e);
  } finally {
    if (mine === ticket) A.running = null;
    refresh();
  }
}


/** Forgets filters and sorting that no longer apply to the model about to be analysed. */
function pruneView(form, concepts) {
  const v = A.view;
  const options = new Set(form.dm.flatMap((dm) => dm.option.map((o) => o.id)));
  const dms = new Set(form.dm.map((dm) => dm.name || dm.id));
  for (const id of Object.keys(v.options)) if (!options.has(id)) delete v.options[id];
  if (v.concept && !concepts.includes(v.concept)) v.concept = "";
  if (v.dm && !dms.has(v.dm)) v.dm = "";
  if (v.sort.startsWith("pref:") && !dms.has(v.sort.slice(5))) v.sort = "state";
}

function tableauQuery() {
  const v = A.view;
  const filter = { options: v.options };
  if (v.concept) filter.concept = v.concept;
  if (v.concept && v.dm) filter.dm = v.dm;
  // State numbers run up; "equilibria first" and a DM's preference run best first; `descending` reverses either.
  const preference = v.sort.startsWith("pref:");
  const sort = { by: preference ? "preference" : v.sort, descending: v.sort === "state" ? v.descending : !v.descending };
  if (preference) sort.dm = v.sort.slice(5);
  return { offset: v.offset, limit: PAGE_SIZE, filter, sort };
}

/** Changes the tableau's view (filters, sorting, page) and fetches the page. */
export async function setView(change) {
  Object.assign(A.view, change);
  if (!("offset" in change)) A.view.offset = 0;
  if (!A.results) return;
  refresh();
  const results = A.results;
  try {
    const { payload } = await api("/api/tableau", about({ concepts: results.concepts, ...tableauQuery(), summary: false }));
    if (A.results !== results) return;
    results.tableau = payload;
    remember(payload.rows);
  } catch (e) {
    const f = failure(e);
    showBanner("Cannot show the tableau: " + f.message, f.help);
  }
  refresh();
}

/** Turns to the page of the plain tableau (in state order, unfiltered) that holds state `id`. */
export async function pageOf(id) {
  const v = A.view;
  const plain = !v.concept && !Object.keys(v.options).length && v.sort === "state" && !v.descending;
  if (plain && A.results && id <= A.results.tableau.state_count) await setView({ offset: Math.floor((id - 1) / PAGE_SIZE) * PAGE_SIZE });
}

// ---------------------------------------------------------------- states in words

function remember(states) {
  for (const s of states) if (s.description !== undefined) A.descriptions.set(s.id, { ...A.descriptions.get(s.id), ...s });
}

const lookUp = batch(async (ids) => {
  const results = A.results;
  const { payload } = await api("/api/states", about({ states: ids }));
  if (A.results === results) remember(payload.states);
});

/** State `id` in words, or undefined while it is looked up (the page redraws when it is in). */
export function described(id) {
  const known = A.descriptions.get(id);
  if (!known && A.results) lookUp(id);
  return known;
}

/** Looks a state up by number, Y/N string, name or `sq`, and selects it. */
export async function lookUpState(text) {
  if (!A.results) return null;
  const asked = /^\d+$/.test(text.trim()) ? Number(text.trim()) : text;
  try {
    const { payload } = await api("/api/states", about({ states: [asked] }));
    const state = payload.states[0];
    remember([state]);
    await pageOf(state.id);
    selectState(state.id);
    return null;
  } catch (e) {
    return failure(e);
  }
}

// ---------------------------------------------------------------- one state

export async function selectState(id, scroll = true) {
  if (!A.results) return;
  const results = A.results;
  A.selected = id;
  A.explained = { id, loading: true, scroll };
  A.onward = null;
  A.graph.center = String(id);
  A.panels.foresight.settings.state = String(id);
  A.panels.inverse.settings.state = String(id);
  refresh();
  try {
    const concepts = results.concepts;
    const [explained, evolution] = await Promise.all([
      api("/api/explain", about({ state: id, concepts })),
      results.tableau.status_quo ? api("/api/evolve", about({ to: id, concepts })).catch(() => null) : null,
    ]);
    if (A.selected !== id || A.results !== results) return;
    A.explained = { id, payload: explained.payload, evolution: evolution && evolution.payload, scroll };
  } catch (e) {
    if (A.selected === id) A.explained = { id, error: failure(e), scroll };
  }
  drawGraph();
  refresh();
}

/** The equilibria reachable from the selected state. */
export async function lookOnward() {
  const id = A.selected;
  A.onward = { loading: true };
  refresh();
  try {
    const { payload } = await api("/api/evolve", about({ from: id, concepts: A.results.concepts }));
    if (A.selected === id) A.onward = { payload };
  } catch (e) {
    if (A.selected === id) A.onward = { error: failure(e) };
  }
  refresh();
}

// ---------------------------------------------------------------- graph

export async function drawGraph() {
  if (!A.results) return;
  const g = A.graph;
  const center = Number(g.center) || A.results.tableau.status_quo || 1;
  try {
    const { payload } = await api("/api/graph", about({
      concepts: A.results.concepts, center, radius: Number(g.radius), max_nodes: Number(g.max),
    }));
    // Among many states, moves between the centre's neighbours hide the ones that matter:
    // unless the analyst chose otherwise, only moves into and out of the centre are drawn.
    if (!g.centreOnlyChosen) g.centreOnly = payload.nodes.length > 16;
    g.payload = payload;
    g.error = null;
  } catch (e) {
    g.error = failure(e);
  }
  refresh();
}

// ---------------------------------------------------------------- further analyses

/** A whole number from a field, or a failure naming the field. */
function whole(value, what) {
  if (!/^\d+$/.test(String(value).trim())) throw Object.assign(new Error(`${what} must be a whole number.`), { detail: {} });
  return Number(value);
}

/** Runs one panel's request: `request(settings)` returns the path and body to send. */
async function runPanel(name, request) {
  const p = A.panels[name];
  const results = A.results;
  p.loading = true;
  p.error = null;
  refresh();
  try {
    const [path, body] = request(p.settings);
    const { payload } = await api(path, about(body));
    if (A.results !== results) return;
    p.payload = payload;
  } catch (e) {
    p.payload = null;
    p.error = failure(e);
  } finally {
    p.loading = false;
    refresh();
  }
}

export const runCoalitions = () => runPanel("coalitions", (s) => ["/api/coalitions", { concept: s.concept || "seq", all: s.all }]);

export const runForesight = () => runPanel("foresight", (s) => ["/api/foresight", {
  horizon: whole(s.horizon, "Moves ahead"),
  outlook: s.outlook,
  states: String(s.state).trim() ? [whole(s.state, "The state for lines of play")] : [],
}]);

export const runRobustness = () => runPanel("robustness", (s) => ["/api/robustness", {
  concepts: A.results.concepts,
  exact_limit: whole(s.exact, "The exact limit"),
  samples: whole(s.samples, "The number of samples"),
  seed: whole(s.seed, "The seed"),
}]);

export const runInverse = () => runPanel("inverse", (s) => ["/api/inverse", {
  state: whole(s.state, "The target state"),
  vary: A.results.tableau.decision_makers.map((d) => d.name).filter((n) => !s.unvaried.includes(n)),
  concepts: Object.keys(s.concepts).filter((k) => s.concepts[k]),
  count: s.count,
}]);
