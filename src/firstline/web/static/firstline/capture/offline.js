// firstline capture: offline reloads. The service worker (/testing/sw.js) keeps this page, the
// door pages of a leader's buildings, and the scripts they need; signing out forgets the pages.

import { cfg, $ } from "./page.js";

function askWorker(worker, message) {
  return new Promise((resolve) => {
    const port = new MessageChannel();
    const timer = setTimeout(() => resolve(null), 60000);
    port.port1.onmessage = (event) => { clearTimeout(timer); resolve(event.data); };
    worker.postMessage(message, [port.port2]);
  });
}

export async function setupOffline() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  try {
    await navigator.serviceWorker.register(cfg.sw_url, { scope: cfg.sw_scope });
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active;
    if (!worker) return;
    const userKey = "firstline-capture:user";
    let previous = null;
    try { previous = window.localStorage.getItem(userKey); } catch (error) { previous = null; }
    if (previous && previous !== String(cfg.user_id)) await askWorker(worker, { type: "forget" });
    try { window.localStorage.setItem(userKey, String(cfg.user_id)); } catch (error) { /* memory only */ }
    const answer = await askWorker(worker, { type: "keep", urls: [location.pathname + location.search], force: !navigator.serviceWorker.controller });
    if (answer && answer.ok && answer.kept) {
      document.documentElement.dataset.offlineReady = "1";
      const ready = $("cap-ready");
      if (ready) ready.hidden = false;
    }
    // Signing out forgets the kept pages (they hold names); the scans still waiting stay, for that account.
    const signOut = document.querySelector("form[action$='/logout/']");
    if (signOut) {
      signOut.addEventListener("submit", (event) => {
        if (signOut.dataset.forgotten) return;
        event.preventDefault();
        signOut.dataset.forgotten = "1";
        Promise.race([askWorker(worker, { type: "forget" }), new Promise((resolve) => setTimeout(resolve, 1500))])
          .then(() => signOut.submit());
      });
    }
    const more = document.getElementById("capture-offline-urls");
    if (more) await askWorker(worker, { type: "keep", urls: JSON.parse(more.textContent), force: false });
  } catch (error) {
    // No service worker (a private window, an old browser): the page still works while open.
  }
}
