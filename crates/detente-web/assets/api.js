// Talking to the server: every request goes through `api`, and every failure becomes
// an Error carrying the server's `{message, help, path | line, column}`.

/** Calls the API; the answer is parsed JSON, or with `raw` the text itself, or with
 * `binary` a Blob (files to download). */
export async function api(path, body, { raw = false, binary = false, signal } = {}) {
  const response = await fetch(path, body === undefined ? { signal } : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  const type = response.headers.get("Content-Type") || "";
  const payload = type.includes("json") && ((!raw && !binary) || !response.ok)
    ? await response.json()
    : binary && response.ok ? await response.blob() : await response.text();
  if (!response.ok) {
    const detail = (payload && payload.error) || { message: `the server answered ${response.status} ${response.statusText}`.trim() };
    throw Object.assign(new Error(detail.message), { status: response.status, detail });
  }
  return { payload, response };
}

/** Whether a failure is the page's own cancellation of a request. */
export const cancelled = (e) => e && e.name === "AbortError";

/** A failure as the page shows it: a message (never empty) and the server's help, if any. */
export function failure(e) {
  const d = (e && e.detail) || {};
  const message = d.message || (e && e.message) || "something went wrong";
  return { message, help: typeof d.help === "string" ? d.help : "", detail: d };
}
