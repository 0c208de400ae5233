// The page's state and the model's life: opening, editing with undo and redo, saving
// in the browser's storage, and checking every edit on the server. The components
// render this state; `refresh` redraws the page after any change to it.

import { api, failure } from "./api.js";
import { blankModel, formOf, fromForm } from "./form.js";

/** Above this many states the page does not re-analyse on every edit. */
export const AUTO_ANALYSE_MAX_STATES = 100000;
/** Where the page keeps the model being edited: this tab's copy survives a reload, the
 * shared one the browser's restart. */
const STORAGE_KEY = "detente.workbench/1";
/** Undo steps kept. */
const HISTORY = 200;
/** Keystrokes in one field closer together than this are one step of undo. */
const TYPING_MS = 1200;

export const S = {
  examples: [],
  /** The solution concepts with their glossary (`/api/concepts`). */
  concepts: [],
  /** The model being edited, as the editor's fields hold it; null before one is opened. */
  doc: null,
  form: null,
  formText: "",
  fileName: "",
  history: { past: [], future: [], key: null, at: 0 },
  /** Edits since the model was opened or last exported as a model file. */
  dirty: false,
  /** The browser refused to store the model: leaving the page would lose edits. */
  unsaved: false,
  /** Set when the model was restored from the browser's storage on arrival. */
  restored: null,
  check: { state: "idle", payload: null, error: null },
  /** The TOML the server wrote from the last valid form, and that form. */
  preview: "",
  validForm: null,
  validFormText: "",
  /** The field an error points at: its key and its name as the user knows it. */
  invalid: { key: null, name: "" },
  banner: null,
  confirm: null,
  /** On a narrow screen, the pane shown, and whether the menu to open a model is open. */
  tab: "model",
  menu: false,
};

let renderer = () => {};
let scheduled = false;
let rendered = [];

export function setRenderer(render) {
  renderer = render;
}

let held = false;

/** Holds redrawing while something else moves the page's elements (a drag), and redraws
 * once it is let go. */
export function holdDrawing(hold) {
  held = hold;
  if (!hold) refresh();
}

/** Redraws the page once the current work is done. */
export function refresh() {
  if (scheduled || held) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    renderer();
    const after = rendered;
    rendered = [];
    for (const f of after) f();
  });
}

/** Gathers what the page asks for while it draws, and asks the server for all of it at once:
 * `want(x)` adds `x`; once the drawing is done, `fetch(list)` gets them (at most `most` at a
 * time), and the page is redrawn with what came back. A failure leaves the things to be
 * asked for again at the next drawing. */
export function batch(fetch, most = 1000) {
  let wanted = new Set();
  let asking = false;
  const ask = () => {
    asking = true;
    queueMicrotask(async () => {
      const list = [...wanted].slice(0, most);
      wanted = new Set([...wanted].slice(most));
      try {
        await fetch(list);
      } catch {
        // Asked for again when next drawn.
      }
      asking = false;
      if (wanted.size) ask();
      refresh();
    });
  };
  return (x) => {
    wanted.add(x);
    if (!asking) ask();
  };
}

/** Runs `f` once the page has been redrawn (to move focus, or scroll, to what was drawn). */
export function afterRender(f) {
  rendered.push(f);
  refresh();
}

export function showBanner(message, detail) {
  S.banner = { message, detail: detail || "" };
  refresh();
}

/** Runs page work, marking the page busy meanwhile (a wait cursor; tests wait on it too). */
let busyCount = 0;
export async function busy(work) {
  busyCount += 1;
  document.body.dataset.busy = "true";
  try {
    return await work();
  } finally {
    busyCount -= 1;
    if (busyCount === 0) delete document.body.dataset.busy;
  }
}

// ---------------------------------------------------------------- listeners of model changes

const listeners = [];
/** Calls `listener(kind)` after the model is replaced (`"opened"`) or edited (`"edited"`). */
export function onModel(listener) {
  listeners.push(listener);
}

// ---------------------------------------------------------------- editing, undo and redo

/** Changes the model: `mutate(doc)` edits it in place. Edits with the same `key` in quick
 * succession (typing in one field) are one step of undo. */
export function edit(mutate, key) {
  const h = S.history;
  const now = Date.now();
  if (!(key && key === h.key && now - h.at < TYPING_MS)) {
    h.past.push(structuredClone(S.doc));
    if (h.past.length > HISTORY) h.past.shift();
  }
  h.key = key || null;
  h.at = now;
  h.future = [];
  mutate(S.doc);
  S.dirty = true;
  modelChanged("edited");
}

/** Replaces the whole model by an edited one (an answer of the server), as one step of undo. */
export function replaceDoc(doc) {
  edit((d) => Object.assign(d, doc));
}

export function undo() {
  step(S.history.past, S.history.future);
}

export function redo() {
  step(S.history.future, S.history.past);
}

function step(from, to) {
  if (!from.length) return;
  to.push(structuredClone(S.doc));
  S.doc = from.pop();
  S.history.key = null;
  S.dirty = true;
  modelChanged("edited");
}

/** Opens a model in place of the current one, with a fresh history. */
export function openDoc(doc, fileName, dirty = false) {
  S.doc = doc;
  S.fileName = fileName;
  S.history = { past: [], future: [], key: null, at: 0 };
  S.dirty = dirty;
  S.banner = null;
  S.check = { state: "pending", payload: null, error: null };
  S.preview = "";
  modelChanged("opened");
}

/** After every change: the form is rebuilt, saved and checked. */
function modelChanged(kind) {
  S.form = formOf(S.doc);
  S.formText = JSON.stringify(S.form);
  document.title = `${S.doc.name || "Untitled"} · detente workbench`;
  save();
  S.check = { ...S.check, state: "pending" };
  for (const listener of listeners) listener(kind);
  scheduleCheck();
  refresh();
}

/** Closes the model: the landing view again. */
export function closeModel() {
  S.doc = null;
  S.form = null;
  S.formText = "";
  S.dirty = false;
  S.restored = null;
  document.title = "detente workbench";
  for (const store of [sessionStorage, localStorage]) store.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener("opened");
  refresh();
}

/** Asks before anything replaces a model with edits: `action` runs once the analyst agrees. */
export function confirmDiscard(what, action) {
  if (!S.doc || !S.dirty) {
    action();
    return;
  }
  S.confirm = { what, action };
  refresh();
}

/** Asks whether to save an export of `bytes` bytes; resolves to the answer. */
export function confirmLarge(bytes, what) {
  return new Promise((resolve) => {
    S.confirm = {
      title: `${what} is ${(bytes / 1e6).toLocaleString(undefined, { maximumFractionDigits: 1 })} MB.`,
      text: "A file this large is slow to save and to open. Download it anyway?",
      yes: "Download",
      no: "Don't download",
      action: () => resolve(true),
      declined: () => resolve(false),
    };
    refresh();
  });
}

// ---------------------------------------------------------------- the browser's storage

function save() {
  const saved = JSON.stringify({ form: S.form, fileName: S.fileName, dirty: S.dirty, savedAt: new Date().toISOString() });
  try {
    sessionStorage.setItem(STORAGE_KEY, saved);
    localStorage.setItem(STORAGE_KEY, saved);
    S.unsaved = false;
  } catch {
    S.unsaved = S.dirty;
  }
}

/** The model this tab was editing before a reload, else the last one this browser edited. */
export function savedModel() {
  for (const store of [sessionStorage, localStorage]) {
    try {
      const saved = JSON.parse(store.getItem(STORAGE_KEY) || "null");
      if (saved && saved.form) return saved;
    } catch {
      // Storage that cannot be read holds nothing to restore.
    }
  }
  return null;
}

/** Marks the model as kept elsewhere (exported as a model file): nothing to confirm. */
export function markExported() {
  S.dirty = false;
  save();
  refresh();
}

// ---------------------------------------------------------------- checking

let checkTimer = null;
function scheduleCheck() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(runCheck, 300);
}

/** Checks the form now; resolves once the answer is in. */
export async function runCheck() {
  clearTimeout(checkTimer);
  const sent = S.formText;
  try {
    const { payload } = await api("/api/check", { form: S.form });
    if (sent !== S.formText) return;
    S.check = { state: "ok", payload, error: null };
    S.preview = payload.toml;
    S.validForm = S.form;
    S.validFormText = sent;
    for (const listener of listeners) listener("valid");
  } catch (e) {
    if (sent !== S.formText) return;
    S.check = { state: "error", payload: null, error: failure(e).detail };
  }
  refresh();
}

// ---------------------------------------------------------------- opening models

/** Opens a file's text (TOML or .gmcr) in the editor: a TOML file that is not yet a valid
 * model still opens, with its error. */
export function loadText(text, fileName) {
  return busy(async () => {
    try {
      const { payload } = await api("/api/import", { model: text, file_name: fileName });
      openDoc(fromForm(payload.form), fileName);
      // On a narrow screen, a model opened is read before it is edited.
      S.tab = "analysis";
      await runCheck();
      if (payload.error) showBanner("The file opened but is not a valid model yet:", errorWithPlace(payload.error));
    } catch (e) {
      const f = failure(e);
      showBanner(`Cannot open ${fileName}: ${f.message}${placeOf(f.detail)}`, f.help);
    }
  });
}

export function loadExample(name) {
  return busy(async () => {
    try {
      const { payload } = await api(`/api/examples/${encodeURIComponent(name)}`);
      await loadText(payload.source, payload.file_name.split("/").pop());
    } catch (e) {
      showBanner("Cannot open the example: " + failure(e).message);
    }
  });
}

export function openBlank() {
  return busy(async () => {
    openDoc(blankModel(), "new model");
    S.tab = "model";
    await runCheck();
  });
}

/** Where in a file an error is, in words. */
export function placeOf(d) {
  return d && d.line ? ` (line ${d.line}, column ${d.column})` : "";
}

const errorWithPlace = (d) => d.message + placeOf(d);
