// firstline toasts: short messages at the bottom of the screen, some with an Undo (docs: DESIGN.md).
//   window.firstline.toast(text, {undo: {url, label}, kind: "ok" | "error"})
// or, from the server, an htmx response header:
//   HX-Trigger: {"toast": {"text": "...", "undo_url": "...", "undo_label": "...", "kind": "ok"}}
// Undo POSTs to its url with the CSRF header of the page (the body's hx-headers) and shows the
// answer's own toast; through htmx when it is there, so that out-of-band parts of the answer (a row
// put back in a list, its counts) are swapped in too. The region <div id="toasts"> is made if absent.
"use strict";

(() => {
  const SHOWN_MS = 6000;
  const WITH_UNDO_MS = 10000;

  function region() {
    let box = document.getElementById("toasts");
    if (!box) {
      box = document.createElement("div");
      box.id = "toasts";
      box.className = "toasts";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      document.body.appendChild(box);
    }
    return box;
  }

  function csrfHeaders() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (error) {
      return {};
    }
  }

  // While a toast shows, the page may scroll further, so that nothing stays hidden under it.
  function drop(toast) {
    toast.remove();
    if (!region().children.length) document.body.classList.remove("has-toasts");
  }

  function undo(url, toast) {
    drop(toast);
    if (window.htmx) {
      // swap "none": only the answer's out-of-band parts and its HX-Trigger (the next toast).
      window.htmx.ajax("POST", url, { source: document.body, swap: "none" });
      return;
    }
    fetch(url, { method: "POST", headers: { ...csrfHeaders(), "HX-Request": "true" }, credentials: "same-origin" })
      .then((response) => {
        const trigger = response.headers.get("HX-Trigger");
        const data = trigger ? JSON.parse(trigger) : null;
        if (data && data.toast) fromServer(data.toast);
        else if (!response.ok) show(response.statusText || String(response.status), { kind: "error" });
      })
      .catch(() => show("…", { kind: "error" }));
  }

  function show(text, options = {}) {
    const toast = document.createElement("div");
    toast.className = `toast toast-${options.kind || "ok"}`;
    toast.setAttribute("data-testid", "toast");
    const words = document.createElement("span");
    words.className = "toast-text";
    words.textContent = text;
    toast.appendChild(words);
    if (options.undo && options.undo.url) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "toast-undo";
      button.setAttribute("data-testid", "toast-undo");
      button.textContent = options.undo.label || "Undo";
      button.addEventListener("click", () => undo(options.undo.url, toast));
      toast.appendChild(button);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close quiet";
    close.setAttribute("aria-label", "×");
    close.textContent = "×";
    close.addEventListener("click", () => drop(toast));
    toast.appendChild(close);
    region().appendChild(toast);
    document.body.classList.add("has-toasts");
    const timer = setTimeout(() => drop(toast), options.undo ? WITH_UNDO_MS : SHOWN_MS);
    // A toast the worker is reaching for stays while touched or focused.
    toast.addEventListener("pointerenter", () => clearTimeout(timer));
    toast.addEventListener("focusin", () => clearTimeout(timer));
    return toast;
  }

  function fromServer(detail) {
    if (!detail || !detail.text) return;
    const undoOption = detail.undo_url ? { url: detail.undo_url, label: detail.undo_label } : null;
    show(detail.text, { kind: detail.kind, undo: undoOption });
  }

  window.firstline = window.firstline || {};
  window.firstline.toast = show;
  // htmx fires the header's events on the element that asked; they bubble here.
  document.addEventListener("toast", (event) => fromServer(event.detail));
})();
