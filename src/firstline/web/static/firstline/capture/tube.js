// firstline capture: the tube at hand. A scan is a tube code (the tube is opened, or switched to)
// or a person (put into the open tube); the open tube, as this device knows it, is the server's
// last answer plus what is still waiting. Shared by the desk and the door-to-door pages.

import { M, cfg, $, clock, csrfToken, fmt, fold, maskId, maskName, newClientId, rules } from "./page.js";
import { enqueue, here, makeRecord, mine, ordered } from "./queue.js";
import { refusal, refusalMessage, poolingOf, tubeFor } from "./rules.js";
import { beep, say, unlockAudio } from "./feedback.js";
import { doorLabel, paintPeople, rulesPerson } from "./door.js";
import { renderList, renderStatus } from "./list.js";

// The server's tube code rule (states.TUBE_CODE_PATTERN, embedded with the page's rules).
const TUBE_CODE = new RegExp((rules && rules.tube_code && rules.tube_code.pattern) || "^(?!)$");

// What a scanned text is: a personal/family code, an ID number, a tube (only text of a tube code's
// shape: the server's own rule, or the pattern given), or none of them.
export function classify(raw, pattern) {
  const tubeCode = pattern ? new RegExp(pattern) : TUBE_CODE;
  const text = fold(raw);
  if (!text) return { type: "empty" };
  if (text.startsWith("FL1.")) {
    return text.length <= 200 ? { type: "person", person_code: text, key: `code:${text}`, label: M.personal_code } : { type: "invalid", text };
  }
  const compact = text.replace(/[\s-]/g, "").toUpperCase();
  if (/^\d{17}[\dX]$/.test(compact) || /^\d{15}$/.test(compact)) {
    return { type: "person", id_number: compact, key: `id:${compact}`, label: fmt(M.id_number, { id: maskId(compact) }) };
  }
  const tube = text.replace(/\s+/g, "").toUpperCase();
  if (tubeCode.test(tube)) return { type: "tube", code: tube };
  return { type: "invalid", text };
}

// ---------------------------------------------------------------------------------------------
// The open tube of this page (kept across reloads), and tubes as this device knows them.

const tubeKey = cfg ? `firstline-capture:tube:${cfg.user_id}:${cfg.round_id}:${cfg.context}` : "";
let memoryTube = "";
export function currentTube() {
  try { return window.localStorage.getItem(tubeKey) || ""; } catch (error) { return memoryTube; }
}
function setCurrentTube(code) {
  memoryTube = code;
  try {
    if (code) window.localStorage.setItem(tubeKey, code);
    else window.localStorage.removeItem(tubeKey);
  } catch (error) { /* private mode: memory only */ }
}

// What the server said of a tube when it was scanned (capture.selectors.desk_tube), with when it
// was asked: { at, tube: { state, capacity, filled, ... } }. A tube the server was not asked about
// (no network) is known from this phone's own scans only, and the page says so.
const serverTubes = new Map();

export async function askServer(code) {
  if (!navigator.onLine || !cfg.tube_url) return { offline: true };
  const controller = window.AbortController ? new AbortController() : null;
  // A stairwell's weak signal must not hold up a door for long: then the page counts on its own.
  const timer = controller ? setTimeout(() => controller.abort(), cfg.mode === "desk" ? 4000 : 2500) : null;
  const at = Date.now();
  try {
    const response = await fetch(cfg.tube_url, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: new URLSearchParams({ code }).toString(),
      signal: controller ? controller.signal : undefined,
    });
    const body = await response.json().catch(() => null);
    if (!response.ok || !body || !body.tube) return { offline: true };
    if (body.tube.state === "invalid") return { error: body.tube.message };
    serverTubes.set(code, { at, tube: body.tube });
    return { tube: body.tube };
  } catch (error) {
    return { offline: true };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

// A tube as rules.js reads it, with `source`: "server" when the server was asked about it.
function tubeView(code) {
  const view = { code, capacity: null, filled: 0, closed: false, full: false, per_household: false, household_id: null,
    for_resample: false, scans: 0, boxed: false, other_round: false, source: "local", door: "" };
  const known = serverTubes.get(code);
  if (known) {
    const t = known.tube;
    view.source = "server";
    if (t.state === "other_round") { view.closed = true; view.other_round = true; }
    else if (t.state !== "new") {
      Object.assign(view, { capacity: t.capacity, filled: t.filled, per_household: t.per_household,
        household_id: t.household_id, for_resample: t.for_resample, door: t.door || "" });
      view.closed = t.state !== "open";
      view.full = t.state === "full" || (t.state === "boxed" && t.filled >= t.capacity);
      view.boxed = t.state === "boxed";
      view.box = t.box;
    }
  }
  for (const r of ordered()) {
    if (!here(r) || r.body.tube_code !== code) continue;
    view.scans += 1;
    // What the server counted when it was asked includes every scan it had answered by then.
    if (known && r.state !== "pending" && (r.answered_at || 0) < known.at) continue;
    if (r.state !== "pending") {
      const tube = r.outcome && r.outcome.tube;
      if (tube && tube.code === code) {
        view.capacity = tube.capacity;
        view.filled = tube.filled;
        view.closed = tube.status !== "open";
        view.per_household = tube.per_household;
        view.for_resample = tube.for_resample;
        if (view.household_id === null && tube.per_household && r.state !== "refused" && r.hint) view.household_id = r.hint.household_id;
      }
      continue;
    }
    if (r.body.kind === "close") { view.closed = true; continue; }
    if (view.filled === 0 && r.hint) {
      // The first person decides the tube's size (as the server does).
      view.capacity = r.hint.capacity;
      view.per_household = Boolean(r.hint.per_household);
      view.household_id = r.hint.household_id || null;
      view.for_resample = Boolean(r.hint.for_resample);
    }
    view.filled += (r.hint && r.hint.people) || 1;
  }
  if (view.capacity && view.filled >= view.capacity) {
    view.closed = true;
    view.full = true;
  }
  return view;
}

// The latest scan of a person on this device that still counts (waiting, stored, or already stored).
function earlierScan(key, personId) {
  const list = ordered();
  for (let i = list.length - 1; i >= 0; i -= 1) {
    const r = list[i];
    if (!here(r) || r.body.kind !== "sample") continue;
    const people = (r.outcome && r.outcome.people) || [];
    const same = (key && r.key === key) || (personId && (r.body.person_id === personId || people.some((p) => p.person_id === personId)));
    if (!same) continue;
    if (r.state === "pending") return r;
    if ((r.state === "stored" || r.state === "duplicate") && !people.some((p) => p.status === "refused")) return r;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Making scans

const localRows = []; // warnings that were not sent (a person scanned twice on this device)
let switchTo = null; // { code, until }: a different tube scanned once while the open one has people
const announced = new Set(); // tubes whose "full" has been said

export function focusScan() {
  const input = $("cap-scan");
  if (input && cfg.mode === "desk") input.focus();
}

// Scans are handled one after the other, in the order they were made: a tube scan waits for the
// server's word on the tube, and a person scanned right after it goes into that tube.
let scanning = Promise.resolve();
let inHand = 0;
export function handleScan(raw) {
  unlockAudio();
  inHand += 1;
  document.documentElement.dataset.scanning = "1";
  scanning = scanning.then(() => handleOne(raw)).catch(() => {}).then(() => {
    inHand -= 1;
    if (!inHand) document.documentElement.dataset.scanning = "0";
  });
  return scanning;
}

async function handleOne(raw) {
  const scan = classify(raw);
  if (scan.type === "empty") return;
  if (scan.type === "invalid") {
    const text = String(scan.text).slice(0, 40);
    say(fmt(M.not_a_code, { text, rule: (rules && rules.tube_code && rules.tube_code.rule) || "" }), "error");
    hideConfirm();
    beep("error");
    return;
  }
  if (scan.type === "tube") { await scanTube(scan.code); return; }
  switchTo = null;
  takePerson({ person_code: scan.person_code, id_number: scan.id_number }, { key: scan.key, label: scan.label });
}

// A tube that cannot take anyone, said as the server would say it; "" when it can.
function unusable(view) {
  if (view.other_round) return fmt(M.tube_other_round, { tube: view.code });
  if (view.boxed) return fmt(M.tube_boxed, { tube: view.code, box: view.box || "", n: view.filled });
  if (view.full) return fmt(M.tube_full, { tube: view.code });
  if (view.closed) return fmt(view.source === "server" ? M.tube_closed : M.tube_used, { tube: view.code });
  return "";
}

async function scanTube(code) {
  hideConfirm();
  const asked = await askServer(code);
  if (asked.error) { say(asked.error, "error"); beep("error"); return; }
  const current = currentTube();
  const view = tubeView(code);
  if (code === current) {
    switchTo = null;
    if (view.closed) { say(unusable(view), "error"); beep("error"); }
    else { say(fmt(M.same_tube, { tube: code }), "info"); beep("warn"); }
    render();
    return;
  }
  if ((view.source === "server" || view.scans) && view.closed) {
    say(unusable(view), "error");
    beep("error");
    return;
  }
  const picked = view.source === "server" && view.filled > 0
    ? ` ${fmt(M.tube_picked_up, { n: view.filled, cap: view.capacity })}` : "";
  if (current) {
    const open = tubeView(current);
    if (!open.closed && open.filled > 0) {
      if (!(switchTo && switchTo.code === code && switchTo.until > Date.now())) {
        switchTo = { code, until: Date.now() + 30000 };
        say(fmt(M.confirm_switch, { tube: current, n: open.filled, cap: open.capacity || cfg.capacity, new: code }), "warn");
        beep("warn");
        renderTube();
        return;
      }
      enqueue(makeRecord({ kind: "close", tube_code: current }, { label: fmt(M.close_scan, { tube: current }) }));
      switchTo = null;
      setCurrentTube(code);
      say(fmt(M.switched, { old: current, tube: code }) + picked, "ok");
      beep("ok");
      render();
      return;
    }
  }
  switchTo = null;
  setCurrentTube(code);
  say(fmt(M.tube_open, { tube: code }) + picked, "ok");
  beep("ok");
  render();
}

// The page's open tube, asked about again when the page starts (another phone may have filled or
// closed it since).
export async function refreshCurrent() {
  const code = currentTube();
  if (!code) return;
  await askServer(code);
  render();
}

// ---------------------------------------------------------------------------------------------
// The large confirmation after each person: who (masked) and which door, and the tube's count.

let confirmTimer = null;
function hideConfirm() {
  const box = $("cap-confirm");
  if (box) box.hidden = true;
}

function showConfirm(names, door, tube) {
  const box = $("cap-confirm");
  if (!box) return;
  const view = tubeView(tube);
  const count = fmt(M.tube_of, { n: view.filled, cap: view.capacity || cfg.capacity });
  $("cap-confirm-who").textContent = names;
  $("cap-confirm-door").textContent = door || "";
  $("cap-confirm-tube").textContent = `${fmt(M.confirm_in, { tube })} · ${count}`;
  box.hidden = false;
  clearTimeout(confirmTimer);
  confirmTimer = setTimeout(hideConfirm, 20000);
}

// `who`: what identifies the person for the server; `shown`: label, duplicate key, person id;
// `at`: on the door page, the person and their door from the embedded list.
export function takePerson(who, shown, at, force) {
  const tube = currentTube();
  hideConfirm();
  if (!tube) { say(M.scan_tube_first, "error"); beep("error"); focusScan(); return; }
  const view = tubeView(tube);
  if (view.closed) { say(unusable(view), "error"); beep("error"); return; }
  if (!force) {
    const before = earlierScan(shown.key, shown.personId);
    if (before) {
      localRows.unshift({ id: newClientId(), at: Date.now(), who, shown, atDoor: at,
        message: fmt(M.scanned_twice, { time: clock(before.made_at), tube: before.body.tube_code }) });
      localRows.length = Math.min(localRows.length, 20);
      say(localRows[0].message, "error");
      beep("error");
      renderLocalList();
      return;
    }
  }
  // Someone from the door list is checked here too, by the server's rules, so that a door with no
  // network is told at once; anyone else (a code, an ID number) the server places.
  const person = at ? rulesPerson(at) : { household_id: null, resample: false, state: "" };
  if (at) {
    const code = refusal(rules, view, person);
    if (code) {
      say(refusalMessage(rules, code, { name: at.person.name, tube: view.code, door: doorLabel(view.household_id),
        n: poolingOf(rules, person.household_id).capacity, cap: view.capacity }), "error");
      beep("error");
      return;
    }
  }
  const placed = tubeFor(rules, person);
  const hint = {
    capacity: placed.capacity,
    per_household: placed.per_household,
    household_id: placed.household_id,
    for_resample: placed.for_resample,
    people: 1,
    label: shown.label,
    door_label: at ? at.door.label : shown.door || "",
  };
  switchTo = null;
  enqueue(makeRecord({ tube_code: tube, ...who }, hint, shown.key || (shown.personId ? `person:${shown.personId}` : "")));
  const after = tubeView(tube);
  if (after.full) announceFull(tube);
  else beep("ok");
  say("", "info");
  showConfirm(at ? maskName(at.person.name) : shown.label && shown.personId ? maskName(shown.label) : shown.label || "",
    at ? at.door.label : shown.door || "", tube);
}

function announceFull(tube) {
  if (announced.has(tube)) return;
  announced.add(tube);
  beep("full");
}

// After the server answered: refusals are told loudly, a tube the server closed as full too.
export function announce(updated) {
  const current = currentTube();
  const refused = updated.filter((r) => here(r) && r.context === cfg.context
    && (r.state === "refused" || r.state === "conflict"));
  if (refused.length) {
    const last = refused[refused.length - 1];
    hideConfirm();
    say(last.outcome.message || M.state_refused, "error");
    beep("error");
  } else {
    // The newest person scan answered: the confirmation now names who the server stored.
    const stored = updated.filter((r) => here(r) && r.context === cfg.context && r.body.kind === "sample"
      && (r.state === "stored" || r.state === "duplicate") && r.outcome && r.outcome.people && r.outcome.people.length);
    const last = stored[stored.length - 1];
    const newest = ordered().filter((r) => here(r) && mine(r) && r.context === cfg.context && r.body.kind === "sample").pop();
    if (last && newest && newest.client_id === last.client_id) {
      const people = last.outcome.people.filter((p) => p.status === "stored" || p.status === "duplicate");
      const doors = [...new Set(people.map((p) => p.door).filter(Boolean))];
      if (people.length) showConfirm(people.map((p) => maskName(p.name)).join("、"), doors.join("、"), last.body.tube_code);
    }
  }
  if (current && tubeView(current).full) announceFull(current);
}

let closeArmed = "";
let closeTimer = null;
export function closeTube() {
  const tube = currentTube();
  if (!tube) return;
  if (closeArmed !== tube) {
    closeArmed = tube;
    $("cap-close-tube").textContent = fmt(M.close_confirm, { tube });
    clearTimeout(closeTimer);
    closeTimer = setTimeout(() => { closeArmed = ""; renderTube(); }, 4000);
    return;
  }
  closeArmed = "";
  clearTimeout(closeTimer);
  const view = tubeView(tube);
  if (view.filled > 0 && !view.closed) {
    enqueue(makeRecord({ kind: "close", tube_code: tube }, { label: fmt(M.close_scan, { tube }) }));
  }
  announced.add(tube);
  setCurrentTube("");
  say(fmt(M.closed_now, { tube, n: view.filled }), "ok");
  beep("ok");
  render();
  focusScan();
}

// ---------------------------------------------------------------------------------------------
// Showing it

export function render() {
  renderStatus();
  renderTube();
  renderLocalList();
  paintPeople();
}

// The list of scans, with the warnings that were not sent; "Send anyway" takes the person after all.
function renderLocalList() {
  renderList(localRows, (entry) => {
    localRows.splice(localRows.indexOf(entry), 1);
    takePerson(entry.who, entry.shown, entry.atDoor, true);
    renderLocalList();
  });
}

function renderTube() {
  const panel = $("cap-tube");
  if (!panel) return;
  const code = currentTube();
  const bar = $("cap-tube-bar");
  const button = $("cap-close-tube");
  const banner = $("cap-tube-banner");
  const mini = $("cap-tube-mini");
  if (!code) {
    if (mini) mini.textContent = "";
    panel.dataset.state = "none";
    $("cap-tube-code").textContent = "—";
    $("cap-tube-count").textContent = "";
    $("cap-tube-left").textContent = "";
    bar.setAttribute("aria-valuemax", "0");
    bar.setAttribute("aria-valuenow", "0");
    bar.firstElementChild.style.width = "0%";
    banner.textContent = M.no_tube;
    button.hidden = true;
    const source = $("cap-tube-source");
    if (source) source.hidden = true;
    return;
  }
  const view = tubeView(code);
  const capacity = view.capacity || cfg.capacity || 1;
  panel.dataset.state = view.full ? "full" : view.closed ? "closed" : switchTo ? "switch" : view.filled ? "filling" : "open";
  $("cap-tube-code").textContent = code;
  $("cap-tube-count").textContent = fmt(M.tube_of, { n: view.filled, cap: capacity });
  // The tube stays in view in the status bar while a long list of doors is scrolled.
  if (mini) {
    mini.textContent = `${code} · ${fmt(M.tube_of, { n: view.filled, cap: capacity })}`;
    mini.dataset.state = panel.dataset.state;
  }
  $("cap-tube-left").textContent = fmt(M.places_left, { n: Math.max(0, capacity - view.filled) });
  bar.setAttribute("aria-valuemax", String(capacity));
  bar.setAttribute("aria-valuenow", String(view.filled));
  bar.firstElementChild.style.width = `${Math.min(100, Math.round((100 * view.filled) / capacity))}%`;
  banner.textContent = view.closed ? unusable(view)
    : switchTo ? fmt(M.confirm_switch, { tube: code, n: view.filled, cap: capacity, new: switchTo.code }) : "";
  // Whoever holds an open tube may close it, also a phone that picked up a tube another one filled.
  button.hidden = view.closed;
  const source = $("cap-tube-source");
  if (source) {
    source.textContent = view.source === "server" ? "" : M.tube_local;
    source.hidden = view.source === "server";
  }
  if (closeArmed !== code) button.textContent = button.dataset.label || button.textContent;
}
