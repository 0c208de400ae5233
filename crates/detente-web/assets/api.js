// Talking to the server: every request goes through `api`, and every failure becomes
// an Error carrying the server's `{message, help, path | line, column}`. Every POST is
// named with a job (the X-Detente-Job header): one still running after half a second is
// listed in `W.running`, with the server's account of its progress, for the page to show
// with a button that cancels it (ui.js's WorkBar).

/** The requests under way that have run long enough to show; `onChange` redraws the page. */
export const W = { running: new Map(), onChange: () => {} };

/** After this long a request shows its progress and can be cancelled. */
const SHOW_AFTER_MS = 500;
const POLL_EVERY_MS = 500;
const PAGE = Math.random().toString(36).slice(2, 10).replace(/[^a-z0-9]/g, "") || "page";
let jobs = 0;

/** Exports larger than this many bytes are saved only once the analyst agrees: 10 MB, or
 * what the page's address sets with `?export-warning=BYTES` (for tests). */
export const EXPORT_WARNING_BYTES = Number(new URLSearchParams(location.search).get("export-warning")) || 10_000_000;

/** Calls the API; the answer is parsed JSON, or with `raw` the text itself, or with
 * `binary` a Blob (files to download). With `large`, an answer the server says is over
 * EXPORT_WARNING_BYTES (its X-Detente-Bytes header) is read only if `large(bytes)`
 * resolves to true; otherwise the request is abandoned as cancelled. */
export async function api(path, body, { raw = false, binary = false, signal, large } = {}) {
  const controller = new AbortController();
  if (signal) {
    if (signal.aborted) controller.abort();
    else signal.addEventListener("abort", () => controller.abort(), { once: true });
  }
  const job = body === undefined ? null : `${PAGE}-${++jobs}`;
  const stop = job ? follow(job, path, controller) : () => {};
  try {
    const response = await fetch(path, body === undefined ? { signal: controller.signal } : {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Detente-Job": job },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const bytes = Number(response.headers.get("X-Detente-Bytes")) || 0;
    if (large && response.ok && bytes > EXPORT_WARNING_BYTES) {
      stop();
      if (!(await large(bytes))) {
        controller.abort();
        throw new DOMException("The export was not downloaded.", "AbortError");
      }
    }
    const type = response.headers.get("Content-Type") || "";
    const payload = type.includes("json") && ((!raw && !binary) || !response.ok)
      ? await response.json()
      : binary && response.ok ? await response.blob() : await response.text();
    if (!response.ok) {
      const detail = (payload && payload.error) || { message: `the server answered ${response.status} ${response.statusText}`.trim() };
      throw Object.assign(new Error(detail.message), { status: response.status, detail });
    }
    return { payload, response };
  } finally {
    stop();
  }
}

/** Lists the request `job` in `W.running` once it has run for SHOW_AFTER_MS, and asks the
 * server how far it has got until it ends; returns what ends that. */
function follow(job, path, controller) {
  const started = Date.now();
  let poll = null;
  const show = setTimeout(() => {
    W.running.set(job, { job, path, started, controller, progress: null });
    W.onChange();
    poll = setInterval(() => progressOf(job), POLL_EVERY_MS);
    progressOf(job);
  }, SHOW_AFTER_MS);
  return () => {
    clearTimeout(show);
    if (poll) clearInterval(poll);
    if (W.running.delete(job)) W.onChange();
  };
}

async function progressOf(job) {
  try {
    const response = await fetch(`/api/progress/${job}`);
    const entry = W.running.get(job);
    if (!entry || !response.ok) return;
    entry.progress = await response.json();
    W.onChange();
  } catch {
    // The next poll tries again; the request's own answer ends the polling.
  }
}

/** Stops a request under way: the page stops waiting for it and the server stops its work. */
export function cancelJob(job) {
  const entry = W.running.get(job);
  if (entry) entry.controller.abort();
  fetch("/api/cancel", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ job }),
  }).catch(() => {});
}

/** Whether a failure is the page's own cancellation of a request. */
export const cancelled = (e) => e && e.name === "AbortError";

/** A failure as the page shows it: a message (never empty) and the server's help, if any. */
export function failure(e) {
  if (cancelled(e)) return { message: "Cancelled.", help: "", detail: {} };
  const d = (e && e.detail) || {};
  const message = d.message || (e && e.message) || "something went wrong";
  return { message, help: typeof d.help === "string" ? d.help : "", detail: d };
}
