// firstline capture: the registration desk. A barcode scanner types each code into the scan box
// and presses Enter (the door page has the same box); at a desk the box keeps its focus, so that
// the next scan lands there whatever was tapped. The finder (no code? an ID number, a name, a
// door) puts the person it found into the open tube.

import { M, cfg, $, csrfToken } from "./page.js";
import { unlockAudio } from "./feedback.js";
import { personAt } from "./door.js";
import { focusScan, handleScan, takePerson } from "./tube.js";

export function wireDesk() {
  const form = $("cap-scan-form");
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("cap-scan");
      const value = input.value;
      input.value = "";
      handleScan(value);
      if (cfg.mode === "desk") input.focus();
    });
  }
  document.addEventListener("click", (event) => {
    const found = event.target.closest(".cap-found");
    if (found && !found.disabled) {
      unlockAudio();
      const id = Number(found.dataset.person);
      takePerson({ person_id: id }, { label: found.dataset.name, personId: id, door: found.dataset.doorLabel }, personAt(id));
      $("cap-found").replaceChildren();
      const query = $("cap-find-q");
      if (query) query.value = "";
      focusScan();
      return;
    }
    // At the desk the scanner types into the scan box: give it back its focus after any click.
    if (cfg.mode === "desk" && !event.target.closest("input, textarea, select, button, a, summary, label, details, video")) focusScan();
  });
  // The finder posts (an ID number stays out of addresses); a page served from the cache may carry
  // an old token, the cookie has the current one.
  document.body.addEventListener("htmx:configRequest", (event) => { event.detail.headers["X-CSRFToken"] = csrfToken(); });
  document.body.addEventListener("htmx:sendError", (event) => {
    const target = $("cap-found");
    if (target && event.target.closest && event.target.closest("#cap-find")) target.textContent = M.search_offline;
  });
}
