// Live updates for a council's pages, from server-sent events: a new event of the
// council's record shows a notice with a link to reload (so that nothing being typed
// into a form is lost), and a new message on the channel a talk page shows is added to
// it at once. Without JavaScript the pages work the same, reloaded by hand.
(() => {
  const script = document.currentScript;
  const council = script && script.dataset.council;
  if (!council) return;
  const after = script.dataset.after || "0";
  const channel = script.dataset.channel;
  const source = new EventSource(`/api/councils/${council}/events?after=${after}`);
  const notice = document.createElement("div");
  notice.className = "live";
  notice.setAttribute("role", "status");
  let count = 0;
  source.addEventListener("record", (message) => {
    const event = JSON.parse(message.data);
    // The page's witness (witness.js) checks the record again.
    document.dispatchEvent(new CustomEvent("detente:record", { detail: event }));
    count += 1;
    const text = document.createElement("span");
    text.textContent = `${event.summary} `;
    const reload = document.createElement("a");
    reload.href = location.pathname + location.search;
    reload.textContent = count === 1 ? "Reload to see it." : `Reload to see all ${count} new events.`;
    notice.replaceChildren(text, reload);
    if (!notice.isConnected) document.querySelector("main").prepend(notice);
  });
  source.addEventListener("message", (message) => {
    const said = JSON.parse(message.data);
    const list = document.querySelector("ol.messages");
    if (!list || said.channel !== channel) return;
    const item = document.createElement("li");
    const who = document.createElement("strong");
    who.textContent = said.by;
    item.append(who, `: ${said.body}`);
    list.append(item);
  });
})();
