// firstline capture: showing the queue — the status bar (online, how many scans wait, why an upload
// fails) and the list of this page's scans with the server's answer for each.

import { M, cfg, $, clock, el, fmt } from "./page.js";
import { here, mine, ordered, sendAgain, storage, upload } from "./queue.js";

const LIST_LENGTH = 100;
const STATE_LABELS = () => ({ pending: M.state_pending, stored: M.state_stored, duplicate: M.state_duplicate,
  refused: M.state_refused, conflict: M.state_conflict, resent: M.state_resent });

export function renderStatus() {
  const status = $("cap-status");
  if (!status) return;
  const online = navigator.onLine;
  status.dataset.net = online ? "online" : "offline";
  $("cap-net").textContent = online ? M.online : M.offline;
  const waiting = ordered().filter((r) => r.state === "pending" && mine(r)).length;
  const others = ordered().filter((r) => r.state === "pending" && !mine(r)).length;
  $("cap-pending-count").textContent = String(waiting);
  document.documentElement.dataset.unsaved = String(ordered().filter((r) => r.unsaved).length);
  $("cap-pending-text").textContent = M.waiting;
  status.dataset.waiting = waiting ? "yes" : "no";
  const problems = [];
  if (storage.problem) problems.push(M.no_storage);
  if (upload.problem && waiting) problems.push(upload.problem);
  if (others) problems.push(fmt(M.other_user, { n: others }));
  const box = $("cap-error");
  box.textContent = problems.join(" ");
  if (upload.problem && (upload.status === 401 || upload.status === 403) && waiting) {
    box.append(" ", el("a", { href: `/login/?next=${encodeURIComponent(location.pathname + location.search)}`, target: "_blank" }, "↗"));
  }
}

function personLines(record) {
  const people = (record.outcome && record.outcome.people) || [];
  return people.map((p) => {
    const where = p.door ? ` · ${p.door}` : "";
    const note = p.status === "refused" || p.status === "conflict" ? `: ${p.message}`
      : p.out_of_scope ? ` (${M.out_of_scope})` : "";
    return el("li", { "data-status": p.status }, `${p.name}${where}${note}`);
  });
}

function row(record) {
  const label = STATE_LABELS()[record.state];
  const what = record.body.kind === "close" ? fmt(M.close_scan, { tube: record.body.tube_code })
    : record.hint.person_name || record.hint.label || "";
  const door = !record.outcome && record.hint.door_label ? ` · ${record.hint.door_label}` : "";
  const lines = personLines(record);
  const message = (record.state === "refused" || record.state === "conflict") && record.outcome && record.outcome.message
    && !lines.length ? record.outcome.message : "";
  let again = null;
  if (record.state === "conflict" && mine(record)) {
    again = el("button", { type: "button", class: "cap-send-anyway" }, M.send_again);
    again.addEventListener("click", () => { again.disabled = true; sendAgain(record); });
  }
  return el("li", { class: `cap-item is-${record.state}`, "data-state": record.state, "data-client-id": record.client_id },
    el("div", { class: "cap-item-head" },
      el("span", { class: "cap-badge" }, label),
      el("span", { class: "cap-what" }, what + door),
      record.body.kind === "sample" ? el("span", { class: "cap-item-tube" }, record.body.tube_code) : null,
      el("time", { class: "cap-time" }, clock(record.made_at))),
    lines.length ? el("ul", { class: "cap-item-people" }, ...lines) : null,
    message ? el("p", { class: "cap-item-msg" }, message) : null, again);
}

// A warning that was not sent (a person scanned twice on this device); `retake` sends it anyway.
function localRow(entry, retake) {
  const button = el("button", { type: "button", class: "cap-send-anyway" }, M.send_anyway);
  button.addEventListener("click", () => retake(entry));
  return el("li", { class: "cap-item is-local", "data-state": "local" },
    el("div", { class: "cap-item-head" },
      el("span", { class: "cap-badge" }, M.state_local),
      el("span", { class: "cap-what" }, entry.shown.label || ""),
      el("time", { class: "cap-time" }, clock(entry.at))),
    el("p", { class: "cap-item-msg" }, entry.message), button);
}

export function renderList(localRows, retake) {
  const list = $("cap-list");
  if (!list) return;
  const shown = ordered().filter((r) => here(r) && mine(r) && r.context === cfg.context).slice(-LIST_LENGTH).reverse();
  list.replaceChildren(...localRows.slice(0, 5).map((entry) => localRow(entry, retake)), ...shown.map(row));
}
