// firstline live regions: parts of a page that refresh by themselves (hx-trigger="every 30s" or a
// timer of this module) must never move the page or take the focus from a worker.
//
//   <div data-live hx-get="..." hx-trigger="every 30s, live-refresh" hx-swap="none">
//
// - A refresh is skipped while the focus is inside the region, or text in it is selected: the
//   next one comes soon enough. (A worker copying a call-down message keeps it under the thumb.)
// - data-live-every="30" (seconds) makes this module send the "live-refresh" event on a timer,
//   read again at every tick, so a test may shorten it; tests may also dispatch "live-refresh".
// - <details data-live-open hx-get=...>: refreshes only while open.
"use strict";

(() => {
  function busy(region) {
    const active = document.activeElement;
    if (active && active !== document.body && region.contains(active)) return true;
    const selection = window.getSelection && window.getSelection();
    if (selection && !selection.isCollapsed && selection.anchorNode && region.contains(selection.anchorNode)) return true;
    return false;
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const element = event.detail.elt;
    if (!element || !element.closest) return;
    const region = element.closest("[data-live]");
    if (region && busy(region)) {
      event.preventDefault();
      region.dataset.liveSkipped = String(Number(region.dataset.liveSkipped || 0) + 1);
      return;
    }
    if (element.matches("details[data-live-open]") && !element.open) event.preventDefault();
  });

  function tick(region) {
    const seconds = Number(region.dataset.liveEvery);
    if (!(seconds > 0)) return;
    setTimeout(() => {
      if (!document.body.contains(region)) return;
      if (!document.hidden) region.dispatchEvent(new CustomEvent("live-refresh"));
      tick(region);
    }, seconds * 1000);
  }

  function start(root) {
    root.querySelectorAll("[data-live-every]").forEach((region) => {
      if (region.dataset.liveStarted) return;
      region.dataset.liveStarted = "1";
      tick(region);
    });
  }

  document.addEventListener("DOMContentLoaded", () => start(document));
  document.addEventListener("htmx:load", (event) => start(event.detail.elt.parentNode || document));
})();
