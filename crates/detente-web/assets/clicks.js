// Building a model by clicking, as GMCR+ users do: a condition (a preference statement, an
// infeasible combination) chosen as Y, N or either for each option; a ranking of states
// dragged into order, with each decision maker's resulting order shown as it changes.
// The server reads and writes the expressions (`/api/values`, `/api/conjunction`) and
// orders the states (`/api/ranking`): the page only shows and sends clicks.

import { useEffect, useRef, useState } from "preact/hooks";
import Sortable from "sortablejs";
import { api, failure } from "./api.js";
import { idList } from "./form.js";
import { S, batch, edit, holdDrawing, onModel, refresh } from "./store.js";
import { ErrorBox, Pending, count, html } from "./ui.js";

const optionIds = () => S.doc.dms.flatMap((dm) => dm.options.map((o) => o.id));

// ---------------------------------------------------------------- values of expressions

/** Values read so far, by option ids and expression text. */
const read = new Map();

const readValues = batch(async (expressions) => {
  const options = optionIds();
  const { payload } = await api("/api/values", { options, expressions });
  expressions.forEach((text, i) => read.set(options.join(",") + "\n" + text, payload.values[i]));
});

/** The option values `text` fixes (`{id: true | false}`), null when it is not a plain
 * combination of values, undefined while the server is asked (the page redraws then). */
function valuesOf(text) {
  const key = optionIds().join(",") + "\n" + text;
  if (!read.has(key)) readValues(text);
  return read.get(key);
}

/** The expression that fixes `values` (`{id: true | false}`), as the server writes it. */
export async function conjunctionOf(values) {
  const options = optionIds();
  const { payload } = await api("/api/conjunction", { options, values });
  read.set(options.join(",") + "\n" + payload.expression, values);
  return payload.expression;
}

/** Sets `obj[prop]` to the expression of `values`, as one step of undo. */
async function write(obj, prop, values) {
  try {
    const expression = await conjunctionOf(values);
    edit(() => { obj[prop] = expression; });
  } catch (e) {
    S.banner = { message: "Cannot write the condition: " + failure(e).message, detail: "" };
    refresh();
  }
}

const CHOICES = [["Y", true, "Y"], ["N", false, "N"], ["-", undefined, "–"]];

/** Y, N or either for each option, grouped by decision maker: `obj[prop]` is the expression. */
export function ValueClicks({ obj, prop, k, what, open }) {
  const values = valuesOf(obj[prop]);
  if (values === undefined) return html`<div class="clicks"><${Pending}>Reading the condition…<//></div>`;
  return html`<details class="clicks" open=${open} data-clicks=${k}>
    <summary>${values ? `Choose ${what} by option: Y, N or either` : `${what[0].toUpperCase() + what.slice(1)} says more than which options are taken: edit its text`}</summary>
    ${values ? html`<div class="click-groups">${S.doc.dms.map((dm) => html`<fieldset class="click-group"><legend>${dm.name || dm.id}</legend>
      ${dm.options.map((o) => {
        const now = values[o.id];
        return html`<div class="click-row" role="group" aria-label=${o.label || o.id}>
          <span class="click-label">${o.label || o.id}</span>
          ${CHOICES.map(([v, value, label]) => html`<button type="button" class=${"click" + (now === value ? " on" : "")} data-option=${o.id} data-value=${v}
            aria-pressed=${now === value ? "true" : "false"} aria-label=${`${o.label || o.id}: ${v === "-" ? "either" : v}`}
            onClick=${() => {
              const next = { ...values };
              if (value === undefined) delete next[o.id];
              else next[o.id] = value;
              write(obj, prop, next);
            }}>${label}</button>`)}
        </div>`;
      })}</fieldset>`)}</div>` : null}
  </details>`;
}

// ---------------------------------------------------------------- states in words, for the model being edited

const words = new Map();
let wordsFor = "";

/** What states are and how they read: the options (their ids and labels) and the rules. */
const statesOf = (form) => JSON.stringify([form.dm.map((dm) => dm.option), form.rule]);

const lookUpWords = batch(async (ids) => {
  const asked = statesOf(S.validForm);
  const { payload } = await api("/api/states", { form: S.validForm, states: ids });
  if (asked === wordsFor) for (const s of payload.states) words.set(s.id, s.description);
});

/** State `id` in words for the last valid form, undefined while it is looked up. Edits of
 * preferences keep the words: states are numbered and described by options and rules only. */
function stateWords(id) {
  if (!S.validForm) return undefined;
  const now = statesOf(S.validForm);
  if (wordsFor !== now) {
    words.clear();
    wordsFor = now;
  }
  if (!words.has(id)) lookUpWords(id);
  return words.get(id);
}

// ---------------------------------------------------------------- rankings by dragging

/** Makes the element `ref` holds a SortableJS list for the life of the component. Sortable
 * moves the dragged element itself: it is put back, and `moved` changes the model, which
 * the page then draws in its new order. */
function useSortable(ref, options, moved) {
  const latest = useRef(moved);
  latest.current = moved;
  useEffect(() => {
    const sortable = Sortable.create(ref.current, {
      // The same dragging by mouse, pen and touch in every browser, rather than the browser's own.
      forceFallback: true,
      fallbackOnBody: true,
      ...options,
      // The page is not redrawn while Sortable moves elements about.
      onStart: () => holdDrawing(true),
      onEnd(e) {
        holdDrawing(false);
        if (e.from === e.to && e.oldIndex === e.newIndex) return;
        // Back where it was: an element moved up within its list now stands before its old place.
        const past = e.from === e.to && e.newIndex < e.oldIndex ? 1 : 0;
        e.from.insertBefore(e.item, e.from.children[e.oldIndex + past] || null);
        latest.current(e);
      },
    });
    return () => sortable.destroy();
  }, []);
}

const itemText = (item) => {
  if (!/^\d+$/.test(item)) return item;
  const w = stateWords(Number(item));
  return w ? `state ${item}: ${w}` : `state ${item}`;
};

function Chips({ dm, d, j }) {
  const ref = useRef();
  const items = idList(dm.ranking[j].items);
  useSortable(ref, { group: `ranking-${d}`, animation: 120 }, (e) => moveItem(d, Number(e.from.dataset.tier), e.oldIndex, e.to.dataset.tier, e.newIndex));
  return html`<ul class="chips" ref=${ref} data-tier=${j} aria-label=${`States ranked ${j + 1}`}>
    ${items.map((item, i) => html`<li key=${`${item}-${i}`} class="chip" data-item=${item} title=${item}>${itemText(item)}</li>`)}
  </ul>`;
}

/** Moves item `i` of tier `from` to place `at` of tier `to` ("new": a tier of its own, last). */
function moveItem(d, from, i, to, at) {
  edit((doc) => {
    const ranking = doc.dms[d].ranking;
    const lists = ranking.map((t) => idList(t.items));
    const [item] = lists[from].splice(i, 1);
    if (to === "new") {
      ranking.push({ items: "", priority: "" });
      lists.push([item]);
    } else lists[Number(to)].splice(at, 0, item);
    ranking.forEach((t, k) => { t.items = lists[k].join(", "); });
    // A tier left empty goes.
    doc.dms[d].ranking = ranking.filter((t) => t.items.trim());
  });
}

function NewTier({ d }) {
  const ref = useRef();
  useSortable(ref, { group: `ranking-${d}` }, () => {});
  return html`<ul class="chips new-tier" ref=${ref} data-tier="new" aria-label="A tier of its own">
    <li class="hint">Drop a state here to give it a tier of its own, last.</li></ul>`;
}

/** The tiers of a ranking, dragged into order by their handles; states dragged between tiers. */
export function RankingTiers({ dm, d, Tier }) {
  const ref = useRef();
  // Tiers differ in height: swapping at half a tier, and past it, keeps a tier dragged
  // over a taller one from swapping back and forth.
  useSortable(ref, { handle: ".tier-handle", draggable: ".tier", animation: 120, swapThreshold: 0.5, invertSwap: true }, (e) => edit((doc) => {
    const ranking = doc.dms[d].ranking;
    const [moved] = ranking.splice(e.oldIndex, 1);
    ranking.splice(e.newIndex, 0, moved);
  }));
  return html`<ol class="items tiers" ref=${ref} aria-label="Ranking, best first">
    ${dm.ranking.map((t, j) => html`<${Tier} key=${j} dm=${dm} d=${d} j=${j}><${Chips} dm=${dm} d=${d} j=${j} /><//>`)}
  </ol><${NewTier} d=${d} />`;
}

/** Turns a decision maker's preferences into a ranking of states by hand, starting from
 * the order they make now. */
export async function rankByHand(d) {
  try {
    const dm = S.doc.dms[d];
    const { payload } = await api("/api/ranking", { form: S.form, dm: dm.id, limit: MAX_BY_HAND });
    edit((doc) => {
      const target = doc.dms[d];
      target.mode = "ranking";
      target.ranking = payload.tiers.map((t) => ({ items: t.states.map((s) => s.id).join(", "), priority: "" }));
    });
  } catch (e) {
    S.banner = { message: "Cannot rank the states by hand: " + failure(e).message, detail: failure(e).help };
    refresh();
  }
}

/** Most states a ranking by hand lists one by one. */
export const MAX_BY_HAND = 64;

// ---------------------------------------------------------------- each decision maker's order

const orders = new Map();

onModel((kind) => {
  if (kind === "opened" || orders.size > 50) orders.clear();
});

/** A decision maker's order of the states as the model now makes it, best first. */
export function OrderView({ d }) {
  const [open, setOpen] = useState(false);
  const dm = S.doc.dms[d];
  const key = `${S.validFormText}\n${dm.id}`;
  const order = orders.get(key);
  useEffect(() => {
    if (!open || !S.validForm || orders.has(key)) return;
    orders.set(key, { loading: true });
    api("/api/ranking", { form: S.validForm, dm: dm.id, limit: 40 })
      .then(({ payload }) => orders.set(key, { payload }), (e) => orders.set(key, { error: failure(e) }))
      .then(refresh);
  });
  const p = order && order.payload;
  return html`<details class="order" data-order=${d} onToggle=${(e) => setOpen(e.currentTarget.open)}>
    <summary>The order of states these preferences make, best first</summary>
    ${S.check.state === "error" ? html`<p class="muted">As of the last valid model: fix the error to update it.</p>` : null}
    ${!order || order.loading ? html`<${Pending}>Ordering…<//>` : order.error ? html`<${ErrorBox} error=${order.error} />` : html`
      <ol class="order-tiers">${p.tiers.map((t) => html`<li>${t.states.map((s, i) => html`${i ? html`<span class="muted"> = </span>` : null}<span class="order-state" data-state=${s.id}>state ${s.id}: ${s.description}</span>`)}</li>`)}</ol>
      ${p.listed < p.state_count ? html`<p class="muted">… the first ${count(p.listed, "state")} of ${p.state_count.toLocaleString()}, in ${count(p.tier_count, "tier")} in all.</p>` : null}`}
  </details>`;
}
