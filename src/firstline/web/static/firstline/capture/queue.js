// firstline capture: the queue of scans on this device, and their upload.
//
// Every scan is made on the device. It gets its id (client_id) and its time when it is made, is
// written to IndexedDB ("firstline-capture") and shown at once as waiting, and is uploaded, in the
// order the scans were made, to the scan API's batch endpoint. The server stores a scan once by its
// id, so a batch may be sent again after any failure (a timeout, a dropped answer, a closed laptop):
// what was stored answers "duplicate". A scan leaves the waiting set only when the server has
// answered for it: stored, duplicate or refused. Nothing else is ever deleted before that.

import { M, cfg, csrfToken, fmt, newClientId } from "./page.js";

const DB_NAME = "firstline-capture";
const BATCH = 200;
const KEEP_ANSWERED_MS = 3 * 24 * 3600 * 1000;

// What the page does when the queue changes (render) and when the server has answered (announce).
export const hooks = { changed: () => {}, answered: () => {} };

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
// Whether the scans are kept in memory only (no IndexedDB, or it refused a write).
export const storage = { problem: false };
const records = new Map();
let orderedCache = null;

function changed() { orderedCache = null; }

// Every scan this device holds, in the order they were made.
export function ordered() {
  if (!orderedCache) {
    orderedCache = Array.from(records.values()).sort((a, b) => (a.seq || Infinity) - (b.seq || Infinity) || a.made_at - b.made_at);
  }
  return orderedCache;
}

export async function reload() {
  const rows = await store.all();
  const known = new Set(rows.map((r) => r.client_id));
  for (const [id, record] of records) if (!record.unsaved && !known.has(id)) records.delete(id);
  for (const row of rows) {
    const mine = records.get(row.client_id);
    if (!mine || !mine.unsaved) records.set(row.client_id, row);
  }
  changed();
}

export async function openQueue() {
  try {
    store = await IdbStore.open();
    await store.prune(Date.now() - KEEP_ANSWERED_MS);
  } catch (error) {
    store = new MemoryStore();
    storage.problem = true;
  }
  await reload();
}

export const mine = (record) => record.user_id === cfg.user_id;
export const here = (record) => record.round_id === cfg.round_id;

// Other tabs of this device: told when the queue changes, so that they show it too.
const channel = "BroadcastChannel" in window ? new BroadcastChannel("firstline-capture") : null;
function tellOtherTabs() { if (channel) channel.postMessage({ type: "changed" }); }
export function listenToOtherTabs() {
  if (channel) channel.onmessage = () => reload().then(() => hooks.changed());
}

// ---------------------------------------------------------------------------------------------
// Upload: in order, in batches, again and again until the server has answered every scan.

export const upload = { busy: false, again: false, force: false, failures: 0, nextAt: 0, timer: null, problem: "", status: 0 };

export async function flush(force) {
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
    hooks.changed();
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
  hooks.answered(updated);
  hooks.changed();
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
// Adding scans

export function makeRecord(fields, hint, key) {
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

export async function enqueue(record) {
  records.set(record.client_id, record);
  changed();
  hooks.changed();
  const { unsaved, ...kept } = record;
  try {
    record.seq = await store.add(kept);
  } catch (error) {
    // IndexedDB refused (private window, full disk): keep going in memory, and say so.
    if (!(store instanceof MemoryStore)) {
      const memory = new MemoryStore();
      for (const r of ordered()) if (!r.unsaved) await memory.add(r);
      store = memory;
      storage.problem = true;
    }
    record.seq = await store.add(kept);
  }
  record.unsaved = false;
  changed();
  hooks.changed();
  tellOtherTabs();
  // A desk is online and waits for the answer; a door sends when it can.
  if (navigator.onLine) flush(cfg.mode === "desk");
}

// A scan whose id the server already had for another scan: sent again as a new scan, with a new id;
// the old one is marked as sent again (it stored nothing).
export async function sendAgain(record) {
  const clientId = newClientId();
  await enqueue({ ...record, client_id: clientId, body: { ...record.body, client_id: clientId }, seq: 0, state: "pending",
    outcome: null, answered_at: null, unsaved: true });
  const changedRows = await store.answer([{ ...record.outcome, status: "resent" }]);
  for (const r of changedRows) records.set(r.client_id, r);
  changed();
  hooks.changed();
  flush(true);
}
