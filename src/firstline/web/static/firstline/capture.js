// firstline capture: the registration desk and the door-to-door pages (web/views/capture.py).
//
// Every scan is made here. It gets its id (client_id) and its time when it is made, is written to
// IndexedDB ("firstline-capture") and shown at once as waiting, and is uploaded, in the order the
// scans were made, to the scan API's batch endpoint. The server stores a scan once by its id, so a
// batch may be sent again after any failure (a timeout, a dropped answer, a closed laptop): what was
// stored answers "duplicate". A scan leaves the waiting set only when the server has answered for
// it: stored, duplicate or refused. Nothing else is ever deleted before that.
(() => {
  "use strict";

  const configNode = document.getElementById("capture-config");
  if (!configNode) return;
  const cfg = JSON.parse(configNode.textContent);
  const M = cfg.messages;
  const doorsNode = document.getElementById("capture-doors");
  const building = doorsNode ? JSON.parse(doorsNode.textContent) : null;

  const DB_NAME = "firstline-capture";
  const BATCH = 200;
  const TICK_MS = 5000;
  const KEEP_ANSWERED_MS = 3 * 24 * 3600 * 1000;
  const LIST_LENGTH = 100;

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  const $ = (id) => document.getElementById(id);
  const fmt = (text, values) => String(text).replace(/%\((\w+)\)s/g, (_match, key) => (values && values[key] != null ? values[key] : ""));
  const fold = (value) => String(value || "").normalize("NFKC").trim();

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value == null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("data-")) node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children) {
      if (child == null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    // Not a secure context (plain http on a LAN): a version-4 UUID from the random source all browsers have.
    const bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
    else for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function maskId(number) {
    return number.length > 7 ? number.slice(0, 3) + "*".repeat(number.length - 7) + number.slice(-4) : number;
  }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const field = document.querySelector("[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    const headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (error) { return ""; }
  }

  // What a scanned text is: a personal/family code, an ID number, or a tube.
  function classify(raw) {
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
    if (/^[0-9A-Z][0-9A-Z-]{3,39}$/.test(tube)) return { type: "tube", code: tube };
    return { type: "invalid", text };
  }

  // ---------------------------------------------------------------------------------------------
  // The queue's storage: IndexedDB, or memory where the browser has none (said loudly).

  function idbRequest(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  class IdbStore {
    constructor(db) { this.db = db; }

    static open() {
      return new Promise((resolve, reject) => {
        if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
        const request = window.indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          const db = request.result;
          db.createObjectStore("scans", { keyPath: "client_id" }).createIndex("seq", "seq", { unique: true });
          db.createObjectStore("meta", { keyPath: "key" });
        };
        request.onsuccess = () => resolve(new IdbStore(request.result));
        request.onerror = () => reject(request.error);
        request.onblocked = () => reject(new Error("IndexedDB blocked"));
      });
    }

    transaction(stores, run, durability) {
      return new Promise((resolve, reject) => {
        const tx = this.db.transaction(stores, "readwrite", { durability: durability || "default" });
        let result;
        tx.oncomplete = () => resolve(result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error || new Error("aborted"));
        run(tx, (value) => { result = value; });
      });
    }

    // Adds a scan with the next sequence number, both in one transaction: the upload order.
    add(record) {
      return this.transaction(["scans", "meta"], (tx, done) => {
        const meta = tx.objectStore("meta");
        const counter = meta.get("seq");
        counter.onsuccess = () => {
          const seq = (counter.result ? counter.result.value : 0) + 1;
          meta.put({ key: "seq", value: seq });
          tx.objectStore("scans").add({ ...record, seq });
          done(seq);
        };
      }, "strict"); // on disk before it counts as kept: a scan must survive a crash
    }

    all() {
      return idbRequest(this.db.transaction("scans").objectStore("scans").index("seq").getAll());
    }

    // Writes the server's answers, all in one transaction; returns the scans it changed.
    answer(outcomes) {
      return this.transaction(["scans"], (tx, done) => {
        const scans = tx.objectStore("scans");
        const changed = [];
        done(changed);
        for (const outcome of outcomes) {
          const get = scans.get(outcome.client_id);
          get.onsuccess = () => {
            if (!get.result) return;
            const record = answered(get.result, outcome);
            scans.put(record);
            changed.push(record);
          };
        }
      });
    }

    prune(before) {
      return this.transaction(["scans"], (tx) => {
        const cursor = tx.objectStore("scans").openCursor();
        cursor.onsuccess = () => {
          const at = cursor.result;
          if (!at) return;
          if (at.value.state !== "pending" && at.value.answered_at && at.value.answered_at < before) at.delete();
          at.continue();
        };
      });
    }
  }

  class MemoryStore {
    constructor() { this.rows = new Map(); this.seq = 0; }
    async add(record) { this.seq += 1; this.rows.set(record.client_id, { ...record, seq: this.seq }); return this.seq; }
    async all() { return Array.from(this.rows.values()).sort((a, b) => a.seq - b.seq); }
    async answer(outcomes) {
      const changed = [];
      for (const outcome of outcomes) {
        const row = this.rows.get(outcome.client_id);
        if (row) { const record = answered(row, outcome); this.rows.set(record.client_id, record); changed.push(record); }
      }
      return changed;
    }
    async prune() {}
  }

  // A scan with the server's answer. "stored" is never turned into "duplicate" (the same scan
  // answered twice, by two tabs); an ID number typed in clear leaves the device once answered.
  function answered(record, outcome) {
    const next = { ...record, outcome, answered_at: Date.now() };
    if (!(record.state === "stored" && outcome.status === "duplicate")) next.state = outcome.status;
    // A conflict stored nothing: the scan is kept whole, to be sent again under a new id.
    if (next.body.id_number && outcome.status !== "conflict") {
      next.body = { ...next.body, id_number: "" };
      next.key = "";
    }
    return next;
  }

  let store = null;
  let storageProblem = false;
  const records = new Map();
  let orderedCache = null;

  function changed() { orderedCache = null; }

  function ordered() {
    if (!orderedCache) {
      orderedCache = Array.from(records.values()).sort((a, b) => (a.seq || Infinity) - (b.seq || Infinity) || a.made_at - b.made_at);
    }
    return orderedCache;
  }

  async function reload() {
    const rows = await store.all();
    const known = new Set(rows.map((r) => r.client_id));
    for (const [id, record] of records) if (!record.unsaved && !known.has(id)) records.delete(id);
    for (const row of rows) {
      const mine = records.get(row.client_id);
      if (!mine || !mine.unsaved) records.set(row.client_id, row);
    }
    changed();
  }

  const mine = (record) => record.user_id === cfg.user_id;
  const here = (record) => record.round_id === cfg.round_id;

  // Other tabs of this device: told when the queue changes, so that they show it too.
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("firstline-capture") : null;
  function tellOtherTabs() { if (channel) channel.postMessage({ type: "changed" }); }

  // ---------------------------------------------------------------------------------------------
  // Upload: in order, in batches, again and again until the server has answered every scan.

  const upload = { busy: false, again: false, force: false, failures: 0, nextAt: 0, timer: null, problem: "", status: 0 };

  async function flush(force) {
    if (!store) return;
    if (upload.busy) {
      upload.again = true;
      upload.force = upload.force || Boolean(force);
      return;
    }
    if (!force && Date.now() < upload.nextAt) return;
    upload.busy = true;
    try {
      if (navigator.locks && navigator.locks.request) {
        // One uploader per device: another tab that holds the lock uploads these scans too.
        await navigator.locks.request("firstline-capture-upload", { ifAvailable: true }, async (lock) => {
          if (lock) await sendWaiting();
        });
      } else {
        await sendWaiting();
      }
    } catch (error) {
      failed(0);
    } finally {
      upload.busy = false;
      render();
      if (upload.again) {
        const again = upload.force;
        upload.again = false;
        upload.force = false;
        setTimeout(() => flush(again), 0);
      }
    }
  }

  async function sendWaiting() {
    for (;;) {
      await reload();
      const waiting = ordered().filter((r) => r.state === "pending" && mine(r) && !r.unsaved);
      if (!waiting.length) { succeeded(); return; }
      const url = waiting[0].batch_url;
      const batch = waiting.filter((r) => r.batch_url === url).slice(0, BATCH);
      const answer = await post(url, batch);
      if (answer.ok) {
        if (!(await apply(answer.outcomes))) { failed(0); return; }
        succeeded();
        continue;
      }
      if (answer.status === 422) {
        // Something in the batch does not fit the API's schema: find which scan, one by one.
        if (!(await sendOneByOne(url, batch))) return;
        continue;
      }
      failed(answer.status);
      return;
    }
  }

  async function sendOneByOne(url, batch) {
    for (const record of batch) {
      const answer = await post(url, [record]);
      if (answer.ok) {
        await apply(answer.outcomes);
      } else if (answer.status === 422) {
        const errors = (answer.body && answer.body.errors) || {};
        const message = Object.values(errors).flat().join(" ") || (answer.body && answer.body.detail) || M.state_refused;
        await apply([{ client_id: record.client_id, status: "refused", code: "invalid", message, tube: null, people: [] }]);
      } else {
        failed(answer.status);
        return false;
      }
    }
    succeeded();
    return true;
  }

  async function post(url, batch) {
    const controller = window.AbortController ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), 30000 + 10 * batch.length) : null;
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        cache: "no-store",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ scans: batch.map((r) => r.body) }),
        signal: controller ? controller.signal : undefined,
      });
      let body = null;
      try { body = await response.json(); } catch (error) { body = null; }
      if (response.ok && body && Array.isArray(body.outcomes)) return { ok: true, outcomes: body.outcomes };
      return { ok: false, status: response.ok ? 0 : response.status, body };
    } catch (error) {
      return { ok: false, status: 0 };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async function apply(outcomes) {
    const updated = await store.answer(outcomes);
    for (const record of updated) records.set(record.client_id, record);
    changed();
    tellOtherTabs();
    announce(updated);
    render();
    return updated.length;
  }

  function succeeded() {
    upload.failures = 0;
    upload.nextAt = 0;
    upload.problem = "";
    upload.status = 0;
  }

  function failed(status) {
    upload.failures += 1;
    const delay = Math.min(60000, 2000 * 2 ** (upload.failures - 1));
    upload.nextAt = Date.now() + delay;
    upload.status = status;
    upload.problem = status === 401 || status === 403 ? M.sign_in
      : status === 404 ? M.not_visible : fmt(M.retry, { s: Math.round(delay / 1000) });
    clearTimeout(upload.timer);
    upload.timer = setTimeout(() => flush(), delay);
  }

  // ---------------------------------------------------------------------------------------------
  // Tubes, as this device knows them: the server's last answer, plus what is still waiting.

  const tubeKey = `firstline-capture:tube:${cfg.user_id}:${cfg.round_id}:${cfg.context}`;
  let memoryTube = "";
  function currentTube() {
    try { return window.localStorage.getItem(tubeKey) || ""; } catch (error) { return memoryTube; }
  }
  function setCurrentTube(code) {
    memoryTube = code;
    try {
      if (code) window.localStorage.setItem(tubeKey, code);
      else window.localStorage.removeItem(tubeKey);
    } catch (error) { /* private mode: memory only */ }
  }

  function tubeView(code) {
    const view = { code, capacity: null, filled: 0, closed: false, full: false, perHousehold: false, household: null, forResample: false, scans: 0 };
    for (const r of ordered()) {
      if (!here(r) || r.body.tube_code !== code) continue;
      view.scans += 1;
      if (r.state !== "pending") {
        const tube = r.outcome && r.outcome.tube;
        if (tube && tube.code === code) {
          view.capacity = tube.capacity;
          view.filled = tube.filled;
          view.closed = tube.status !== "open";
          view.perHousehold = tube.per_household;
          view.forResample = tube.for_resample;
          if (view.household === null && tube.per_household && r.state !== "refused" && r.hint) view.household = r.hint.household_id;
        }
        continue;
      }
      if (r.body.kind === "close") { view.closed = true; continue; }
      if (view.filled === 0 && r.hint) {
        // The first person decides the tube's size (as the server does).
        view.capacity = r.hint.capacity;
        view.perHousehold = Boolean(r.hint.per_household);
        view.household = r.hint.household_id || null;
        view.forResample = Boolean(r.hint.for_resample);
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
  // Sound and vibration: a desk is loud, the screen is not always looked at.

  let audio = null;
  function unlockAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      if (!audio) audio = new Context();
      if (audio.state === "suspended") audio.resume().catch(() => {});
    } catch (error) { audio = null; }
  }

  function beep(kind) {
    const tones = { ok: [[880, 0.07]], warn: [[520, 0.12], [520, 0.12]], error: [[200, 0.4]], full: [[660, 0.15], [880, 0.15], [1175, 0.35]] }[kind];
    if (audio && audio.state === "running" && tones) {
      let at = audio.currentTime;
      for (const [frequency, length] of tones) {
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.frequency.value = frequency;
        gain.gain.value = 0.25;
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(at);
        oscillator.stop(at + length);
        at += length + 0.06;
      }
    }
    if (kind !== "ok" && navigator.vibrate) {
      try { navigator.vibrate(kind === "full" ? [300, 120, 300, 120, 300] : [250]); } catch (error) { /* not allowed */ }
    }
  }

  function say(text, tone) {
    const box = $("cap-message");
    if (!box) return;
    box.textContent = text || "";
    box.dataset.tone = tone || "info";
  }

  // ---------------------------------------------------------------------------------------------
  // Making scans

  const localRows = []; // warnings that were not sent (a person scanned twice on this device)
  let switchTo = null; // { code, until }: a different tube scanned once while the open one has people
  const announced = new Set(); // tubes whose "full" has been said

  function makeRecord(fields, hint, key) {
    const clientId = newClientId();
    return {
      client_id: clientId,
      seq: 0,
      user_id: cfg.user_id,
      round_id: cfg.round_id,
      batch_url: cfg.batch_url,
      context: cfg.context,
      made_at: Date.now(),
      body: {
        client_id: clientId,
        kind: fields.kind || "sample",
        tube_code: fields.tube_code,
        person_code: fields.person_code || "",
        person_id: fields.person_id || null,
        id_number: fields.id_number || "",
        point_id: cfg.mode === "desk" ? cfg.point_id : null,
        desk: cfg.mode === "desk" ? cfg.desk : null,
        door_to_door: cfg.mode !== "desk",
        scanned_at: new Date().toISOString(),
      },
      hint: hint || {},
      key: key || "",
      state: "pending",
      outcome: null,
      answered_at: null,
      unsaved: true,
    };
  }

  async function enqueue(record) {
    records.set(record.client_id, record);
    changed();
    render();
    const { unsaved, ...kept } = record;
    try {
      record.seq = await store.add(kept);
    } catch (error) {
      // IndexedDB refused (private window, full disk): keep going in memory, and say so.
      if (!(store instanceof MemoryStore)) {
        const memory = new MemoryStore();
        for (const r of ordered()) if (!r.unsaved) await memory.add(r);
        store = memory;
        storageProblem = true;
      }
      record.seq = await store.add(kept);
    }
    record.unsaved = false;
    changed();
    render();
    tellOtherTabs();
    if (navigator.onLine) flush(cfg.mode === "desk");
  }

  function handleScan(raw) {
    unlockAudio();
    const scan = classify(raw);
    if (scan.type === "empty") return;
    if (scan.type === "invalid") {
      say(fmt(M.not_a_code, { text: String(scan.text).slice(0, 40) }), "error");
      beep("error");
      return;
    }
    if (scan.type === "tube") { scanTube(scan.code); return; }
    switchTo = null;
    takePerson({ person_code: scan.person_code, id_number: scan.id_number }, { key: scan.key, label: scan.label });
  }

  function scanTube(code) {
    const current = currentTube();
    const view = tubeView(code);
    if (code === current) {
      switchTo = null;
      if (view.closed) { say(fmt(view.full ? M.tube_full : M.tube_closed, { tube: code }), "error"); beep("error"); }
      else { say(fmt(M.same_tube, { tube: code }), "info"); beep("warn"); }
      return;
    }
    if (view.scans && view.closed) {
      say(fmt(M.tube_used, { tube: code }), "error");
      beep("error");
      return;
    }
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
        say(fmt(M.switched, { old: current, tube: code }), "ok");
        beep("ok");
        render();
        return;
      }
    }
    switchTo = null;
    setCurrentTube(code);
    say(fmt(M.tube_open, { tube: code }), "ok");
    beep("ok");
    render();
  }

  // `who`: what identifies the person for the server; `shown`: label, duplicate key, person id;
  // `at`: on the door page, the person and their door from the embedded list.
  function takePerson(who, shown, at, force) {
    const tube = currentTube();
    if (!tube) { say(M.scan_tube_first, "error"); beep("error"); focusScan(); return; }
    const view = tubeView(tube);
    if (view.closed) { say(fmt(view.full ? M.tube_full : M.tube_closed, { tube }), "error"); beep("error"); return; }
    if (!force) {
      const before = earlierScan(shown.key, shown.personId);
      if (before) {
        localRows.unshift({ id: newClientId(), at: Date.now(), who, shown, atDoor: at,
          message: fmt(M.scanned_twice, { time: clock(before.made_at), tube: before.body.tube_code }) });
        localRows.length = Math.min(localRows.length, 20);
        say(localRows[0].message, "error");
        beep("error");
        renderList();
        return;
      }
    }
    const resample = Boolean(at && at.person.state === "resample");
    if (at && view.filled > 0) {
      const problem = doorProblem(view, at, resample);
      if (problem) { say(problem, "error"); beep("error"); return; }
    }
    const hint = {
      capacity: at ? (resample ? 1 : at.door.capacity) : cfg.capacity,
      per_household: at ? !resample && at.door.per_household : cfg.per_household,
      household_id: at && !resample && at.door.per_household ? at.door.id : null,
      for_resample: resample,
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
  }

  // The server's pooling rules, checked here too so that a door with no network is told at once.
  function doorProblem(view, at, resample) {
    const name = at.person.name;
    if (resample && view.capacity !== 1) return fmt(M.needs_single, { name });
    if (!resample && view.forResample) return fmt(M.resample_tube, { tube: view.code });
    if (view.perHousehold && view.household && view.household !== at.door.id) {
      const door = (doorById.get(view.household) || {}).label || "";
      return fmt(M.other_household, { tube: view.code, door, name });
    }
    if (!resample && at.door.per_household && !view.perHousehold) return fmt(M.needs_household_tube, { name });
    if (!resample && view.capacity && at.door.capacity < view.capacity) return fmt(M.needs_smaller_tube, { name, n: at.door.capacity, cap: view.capacity });
    return "";
  }

  function announceFull(tube) {
    if (announced.has(tube)) return;
    announced.add(tube);
    beep("full");
  }

  // After the server answered: refusals are told loudly, a tube the server closed as full too.
  function announce(updated) {
    const current = currentTube();
    const refused = updated.filter((r) => here(r) && r.context === cfg.context
      && (r.state === "refused" || r.state === "conflict"));
    if (refused.length) {
      const last = refused[refused.length - 1];
      say(last.outcome.message || M.state_refused, "error");
      beep("error");
    }
    if (current && tubeView(current).full) announceFull(current);
  }

  let closeArmed = "";
  let closeTimer = null;
  function closeTube() {
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

  function render() {
    renderStatus();
    renderTube();
    renderList();
    paintPeople();
  }

  function renderStatus() {
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
    if (storageProblem) problems.push(M.no_storage);
    if (upload.problem && waiting) problems.push(upload.problem);
    if (others) problems.push(fmt(M.other_user, { n: others }));
    const box = $("cap-error");
    box.textContent = problems.join(" ");
    if (upload.problem && (upload.status === 401 || upload.status === 403) && waiting) {
      box.append(" ", el("a", { href: `/login/?next=${encodeURIComponent(location.pathname + location.search)}`, target: "_blank" }, "↗"));
    }
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
    banner.textContent = view.full ? fmt(M.tube_full, { tube: code }) : view.closed ? fmt(M.tube_closed, { tube: code })
      : switchTo ? fmt(M.confirm_switch, { tube: code, n: view.filled, cap: capacity, new: switchTo.code }) : "";
    button.hidden = view.closed || view.filled === 0;
    if (closeArmed !== code) button.textContent = button.dataset.label || button.textContent;
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

  // A scan whose id the server already had for another scan: sent again as a new scan, with a new id;
  // the old one is marked as sent again (it stored nothing).
  async function sendAgain(record) {
    const clientId = newClientId();
    await enqueue({ ...record, client_id: clientId, body: { ...record.body, client_id: clientId }, seq: 0, state: "pending",
      outcome: null, answered_at: null, unsaved: true });
    const changedRows = await store.answer([{ ...record.outcome, status: "resent" }]);
    for (const r of changedRows) records.set(r.client_id, r);
    changed();
    render();
    flush(true);
  }

  function row(record) {
    const label = { pending: M.state_pending, stored: M.state_stored, duplicate: M.state_duplicate, refused: M.state_refused,
      conflict: M.state_conflict, resent: M.state_resent }[record.state];
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

  function localRow(entry) {
    const button = el("button", { type: "button", class: "cap-send-anyway" }, M.send_anyway);
    button.addEventListener("click", () => {
      localRows.splice(localRows.indexOf(entry), 1);
      takePerson(entry.who, entry.shown, entry.atDoor, true);
      renderList();
    });
    return el("li", { class: "cap-item is-local", "data-state": "local" },
      el("div", { class: "cap-item-head" },
        el("span", { class: "cap-badge" }, M.state_local),
        el("span", { class: "cap-what" }, entry.shown.label || ""),
        el("time", { class: "cap-time" }, clock(entry.at))),
      el("p", { class: "cap-item-msg" }, entry.message), button);
  }

  function renderList() {
    const list = $("cap-list");
    if (!list) return;
    const shown = ordered().filter((r) => here(r) && mine(r) && r.context === cfg.context).slice(-LIST_LENGTH).reverse();
    list.replaceChildren(...localRows.slice(0, 5).map(localRow), ...shown.map(row));
  }

  // The door page: each person as this device knows them now (waiting, stored, refused).
  const doorById = new Map();
  const personById = new Map();
  if (building) {
    for (const door of building.doors) {
      doorById.set(door.id, door);
      for (const person of door.people) personById.set(person.id, { person, door });
    }
  }

  function localStates() {
    const states = new Map();
    for (const r of ordered()) {
      if (!here(r) || r.body.kind !== "sample") continue;
      if (r.state === "pending" && r.body.person_id) states.set(r.body.person_id, { state: "pending", tube: r.body.tube_code });
      for (const p of (r.outcome && r.outcome.people) || []) {
        if (p.person_id) states.set(p.person_id, { state: p.status, tube: r.body.tube_code, message: p.message });
      }
    }
    return states;
  }

  function paintPeople() {
    const buttons = document.querySelectorAll(".cap-person");
    if (!buttons.length) return;
    const states = localStates();
    const labels = { pending: M.state_pending, stored: M.state_stored, duplicate: M.state_duplicate, refused: M.state_refused,
      conflict: M.state_conflict, resent: M.state_resent };
    for (const button of buttons) {
      const chip = button.querySelector(".cap-pstate");
      if (button.dataset.original === undefined) {
        button.dataset.original = chip.textContent;
        button.dataset.wasDisabled = button.disabled ? "1" : "";
      }
      const local = states.get(Number(button.dataset.person));
      if (local) {
        button.dataset.local = local.state;
        chip.textContent = `${labels[local.state]} · ${local.tube}${local.state === "refused" && local.message ? ` · ${local.message}` : ""}`;
        button.disabled = local.state !== "refused" || Boolean(button.dataset.wasDisabled);
      } else {
        delete button.dataset.local;
        chip.textContent = button.dataset.original;
        button.disabled = Boolean(button.dataset.wasDisabled);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The camera (BarcodeDetector), where the browser has it

  let camera = null;
  async function setupCamera() {
    const button = $("cap-camera");
    if (!button) return;
    let formats = [];
    if ("BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
      try { formats = await window.BarcodeDetector.getSupportedFormats(); } catch (error) { formats = []; }
    }
    if (!formats.length) { $("cap-camera-note").hidden = false; return; }
    button.hidden = false;
    button.addEventListener("click", () => (camera ? stopCamera() : startCamera(formats)));
    $("cap-camera-stop").addEventListener("click", stopCamera);
  }

  async function startCamera(formats) {
    unlockAudio();
    const video = $("cap-video");
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      video.srcObject = stream;
      $("cap-video-wrap").hidden = false;
      await video.play();
      const wanted = ["qr_code", "code_128", "code_39", "code_93", "codabar", "ean_13", "ean_8", "itf", "data_matrix", "pdf417"];
      const detector = new window.BarcodeDetector({ formats: wanted.filter((f) => formats.includes(f)) });
      camera = { stream, last: "", lastAt: 0, timer: null };
      const look = async () => {
        if (!camera) return;
        try {
          for (const found of await detector.detect(video)) {
            const value = found.rawValue;
            // The same code stays in front of the lens: read it once, not every frame.
            if (value && (value !== camera.last || Date.now() - camera.lastAt > 4000)) {
              camera.last = value;
              camera.lastAt = Date.now();
              handleScan(value);
              break;
            }
            if (value === camera.last) camera.lastAt = Date.now();
          }
        } catch (error) { /* a frame that could not be read */ }
        if (camera) camera.timer = setTimeout(look, 200);
      };
      look();
    } catch (error) {
      stopCamera();
      say(fmt(M.camera_no_permission, { error: error.message || error.name }), "error");
    }
  }

  function stopCamera() {
    if (camera) {
      clearTimeout(camera.timer);
      camera.stream.getTracks().forEach((track) => track.stop());
      camera = null;
    }
    const wrap = $("cap-video-wrap");
    if (wrap) wrap.hidden = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Offline reloads: the service worker keeps this page (and a leader's door pages)

  function askWorker(worker, message) {
    return new Promise((resolve) => {
      const port = new MessageChannel();
      const timer = setTimeout(() => resolve(null), 60000);
      port.port1.onmessage = (event) => { clearTimeout(timer); resolve(event.data); };
      worker.postMessage(message, [port.port2]);
    });
  }

  async function setupOffline() {
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

  // ---------------------------------------------------------------------------------------------
  // Wiring

  function focusScan() {
    const input = $("cap-scan");
    if (input && cfg.mode === "desk") input.focus();
  }

  function wire() {
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
    const close = $("cap-close-tube");
    if (close) {
      close.dataset.label = close.textContent;
      close.addEventListener("click", closeTube);
    }
    document.addEventListener("click", (event) => {
      const person = event.target.closest(".cap-person");
      if (person && !person.disabled) {
        unlockAudio();
        const at = personById.get(Number(person.dataset.person));
        if (at) takePerson({ person_id: at.person.id }, { label: at.person.name, personId: at.person.id }, at);
        return;
      }
      const found = event.target.closest(".cap-found");
      if (found && !found.disabled) {
        unlockAudio();
        const id = Number(found.dataset.person);
        const at = personById.get(id);
        takePerson({ person_id: id }, { label: found.dataset.name, personId: id, door: found.dataset.doorLabel }, at);
        $("cap-found").replaceChildren();
        const query = $("cap-find-q");
        if (query) query.value = "";
        focusScan();
        return;
      }
      // At the desk the scanner types into the scan box: give it back its focus after any click.
      if (cfg.mode === "desk" && !event.target.closest("input, textarea, select, button, a, summary, label, details, video")) focusScan();
    });
    document.addEventListener("keydown", unlockAudio, { once: true });
    // The finder posts (an ID number stays out of addresses); a page served from the cache may carry
    // an old token, the cookie has the current one.
    document.body.addEventListener("htmx:configRequest", (event) => { event.detail.headers["X-CSRFToken"] = csrfToken(); });
    document.body.addEventListener("htmx:sendError", (event) => {
      const target = $("cap-found");
      if (target && event.target.closest && event.target.closest("#cap-find")) target.textContent = M.search_offline;
    });
    window.addEventListener("online", () => { upload.nextAt = 0; render(); flush(true); });
    window.addEventListener("offline", render);
    // A scan is shown at once and on disk a moment later: leaving in that moment would lose it.
    window.addEventListener("beforeunload", (event) => {
      if (ordered().some((r) => r.unsaved)) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") flush(); });
    if (channel) channel.onmessage = () => reload().then(render);
    setInterval(() => {
      if (ordered().some((r) => r.state === "pending" && mine(r))) flush();
    }, TICK_MS);
  }

  async function start() {
    try {
      store = await IdbStore.open();
      await store.prune(Date.now() - KEEP_ANSWERED_MS);
    } catch (error) {
      store = new MemoryStore();
      storageProblem = true;
    }
    await reload();
    wire();
    render();
    setupCamera();
    flush(true);
    setupOffline();
    document.documentElement.dataset.captureReady = "1";
  }

  start();
})();
