// The delegation's witness of the council's record, in the browser (the same checks as
// the crate's witness module): it keeps the last checkpoint this account saw, takes in
// the server's newest only with a consistency proof from it (RFC 9162, 2.1.4.2), checks
// the server's signature and every delegation's cosignature against that view, and,
// where a decision awaits the member's delegation, cosigns the checkpoint with a key
// made in this browser and never shown to the server. What it finds is said in the
// page's #witness line, checked again as new events arrive; anything amiss in red, at
// the top of the page, with what to do.
(() => {
  const script = document.currentScript;
  const status = document.getElementById("witness");
  if (!script || !status) return;
  const { council, account, csrf } = script.dataset;
  const cosigner = script.dataset.cosign === "1";
  // An alarm goes to the top of the page, where it cannot be missed.
  const say = (text, alarm) => {
    status.textContent = text;
    status.className = alarm ? "alarm" : "witness";
    if (alarm) document.querySelector("main").prepend(status);
  };
  const plural = (n, one) => `${n} ${one}${n === 1 ? "" : "s"}`;

  const api = async (path, body) => {
    const response = await fetch(`/api/councils/${council}${path}`, body === undefined
      ? { credentials: "same-origin" }
      : {
          method: "POST",
          credentials: "same-origin",
          headers: { "content-type": "application/json", "x-csrf-token": csrf },
          body: JSON.stringify(body),
        });
    const reply = await response.json();
    if (!response.ok) throw new Error(reply.error ? reply.error.message : response.statusText);
    return reply;
  };
  const unhex = (text) => Uint8Array.from(text.match(/../g) || [], (b) => parseInt(b, 16));
  const hex = (bytes) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const note = (c) => new TextEncoder().encode(`detente council ${c.council}\n${c.size}\n${c.root}\n`);
  const node = async (left, right) => {
    const joined = new Uint8Array(1 + left.length + right.length);
    joined[0] = 1;
    joined.set(left, 1);
    joined.set(right, 1 + left.length);
    return new Uint8Array(await crypto.subtle.digest("SHA-256", joined));
  };

  // Whether the log `next` signs extends the log `old` signs, by `proof` (hex).
  const consistent = async (old, next, proof) => {
    if (old.size === next.size) return old.root === next.root;
    if (old.size === 0) return true;
    const path = [];
    for (let i = 0; i < proof.length; i += 64) path.push(unhex(proof.slice(i, i + 64)));
    if (path.length === 0 || old.size > next.size) return false;
    if ((old.size & (old.size - 1)) === 0) path.unshift(unhex(old.root));
    let fn = old.size - 1;
    let sn = next.size - 1;
    while (fn & 1) {
      fn >>= 1;
      sn >>= 1;
    }
    let fr = path[0];
    let sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0) return false;
      if (fn & 1 || fn === sn) {
        fr = await node(c, fr);
        sr = await node(c, sr);
        if (!(fn & 1)) {
          while (!(fn & 1) && fn !== 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        sr = await node(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn === 0 && same(fr, unhex(old.root)) && same(sr, unhex(next.root));
  };

  const verifies = async (keyHex, signatureHex, checkpoint) => {
    const key = await crypto.subtle.importKey("raw", unhex(keyHex), { name: "Ed25519" }, false, ["verify"]);
    return crypto.subtle.verify({ name: "Ed25519" }, key, unhex(signatureHex), note(checkpoint));
  };

  // This account's signing key for the council, kept in the browser (IndexedDB), its
  // private half not extractable.
  const keyPair = async () => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open("detente-witness", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("keys");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const id = `${location.host}/${council}/${account}`;
    const stored = await new Promise((resolve, reject) => {
      const request = db.transaction("keys").objectStore("keys").get(id);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    if (stored) return stored;
    const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
    await new Promise((resolve, reject) => {
      const request = db.transaction("keys", "readwrite").objectStore("keys").put(pair, id);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
    return pair;
  };

  const check = async () => {
    if (!window.crypto || !crypto.subtle) {
      say("This page cannot check the record: the browser offers no cryptography here (open the council over HTTPS or on this computer).", true);
      return;
    }
    const next = await api("/checkpoint");
    if (!(await verifies(next.key, next.signature, next))) {
      say(`The server's signature of the record at ${plural(next.size, "event")} does not verify: do not rely on what this page shows, and tell the other delegations.`, true);
      return;
    }
    const stored = `detente-checkpoint/${location.host}/${council}/${account}`;
    const last = JSON.parse(localStorage.getItem(stored) || "null");
    if (last) {
      if (last.key !== next.key) {
        say(`The server now signs with another key than before: ask the secretariat why before relying on the record. Your last checkpoint (${plural(last.size, "event")}) is kept.`, true);
        return;
      }
      const proof = next.size >= last.size
        ? await api(`/proofs/consistency?from=${last.size}&to=${next.size}`)
        : null;
      if (!proof || !(await consistent(last, next, proof.proof))) {
        const sizes = next.size === last.size
          ? `, though both have ${plural(next.size, "event")}`
          : ` (${plural(next.size, "event")} now, ${plural(last.size, "event")} before)`;
        say(`The record the server shows now is not the one you saw before${sizes}: it has been rewritten or forked. Tell the other delegations; your last checkpoint is kept as evidence.`, true);
        return;
      }
    }
    localStorage.setItem(stored, JSON.stringify(next));
    const cosignatures = await api("/cosignatures");
    for (const c of cosignatures) {
      const proof = c.checkpoint.size <= next.size
        ? await api(`/proofs/consistency?from=${c.checkpoint.size}&to=${next.size}`)
        : null;
      const good = proof
        && (await verifies(c.checkpoint.key, c.checkpoint.signature, c.checkpoint))
        && (await verifies(c.key, c.signature, c.checkpoint))
        && (await consistent(c.checkpoint, next, proof.proof));
      if (!good) {
        say(`${c.delegation} cosigned a record of ${plural(c.checkpoint.size, "event")} that is not part of the record shown to you: the server has shown different histories to different delegations. Tell the other delegations.`, true);
        return;
      }
    }
    let text = `The record checks out: ${plural(next.size, "event")}, signed by the server`;
    text += last ? `, consistent with the ${plural(last.size, "event")} you saw before` : ", the first time this browser has seen it";
    text += cosignatures.length ? ` and with ${plural(cosignatures.length, "cosignature")} by delegations.` : ".";
    if (cosigner && !tried) {
      tried = true;
      const pair = await keyPair();
      const key = hex(await crypto.subtle.exportKey("raw", pair.publicKey));
      await api("/keys", { key });
      const signature = hex(await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, note(next)));
      await api("/cosignatures", { size: next.size, root: next.root, key, signature });
      cosigned = true;
    }
    if (cosigned) text += " Your browser cosigned it for your delegation, which records the decisions it contains.";
    say(text, false);
  };
  // Checked when the page opens, and again (a moment after the last) whenever the live
  // stream (live.js) brings a new event, so that a rewrite is reported at once. The page
  // tries to cosign once at most.
  let tried = false;
  let cosigned = false;
  let pending = null;
  const run = () => check().catch((error) => say(`The record could not be checked: ${error.message}`, true));
  document.addEventListener("detente:record", () => {
    if (status.className === "alarm") return;
    clearTimeout(pending);
    pending = setTimeout(run, 500);
  });
  run();
})();
