// firstline: the service worker of the capture pages (scope /testing/).
// Network first, the cache when there is no network: a desk or door-to-door page that was open once
// reloads in a stairwell with no signal. Scans never pass through here: they live in IndexedDB and
// go to the API, which this worker leaves alone (it only answers GETs of capture pages and assets).
"use strict";

// Assets are kept per version (a new worker drops the old ones); pages are kept across versions,
// so that an update never takes away the page a leader needs in a stairwell.
const ASSET_CACHE = "firstline-capture-assets-{{ version }}";
const ASSET_PREFIX = "firstline-capture-assets-";
const PAGE_CACHE = "firstline-capture-pages";
const ASSETS = {{ assets_json|safe }};
// Kept once a page has fetched them, not at install: the camera's decoder, loaded only where needed.
const LAZY_ASSETS = {{ lazy_assets_json|safe }};
const TEXTS = {{ texts_json|safe }};
const PAGE = /^\/testing\/rounds\/\d+\/(desk|door)\/(\d+\/)?$/;
// A page slower than this is served from the cache (when kept) and refreshed in the background.
const PAGE_PATIENCE_MS = 5000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(ASSET_CACHE)
      .then((cache) => Promise.all(ASSETS.map((url) => cache.add(url).catch(() => null))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(ASSET_PREFIX) && n !== ASSET_CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

function kind(url) {
  if (url.origin !== self.location.origin) return "";
  if (ASSETS.includes(url.pathname) || LAZY_ASSETS.includes(url.pathname)) return "asset";
  if (PAGE.test(url.pathname)) return "page";
  return "";
}

function keepable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

function fromCache(response) {
  // Marked, so that a page (and a test) can tell it was served with no network.
  const headers = new Headers(response.headers);
  headers.set("X-Firstline-Offline", "1");
  return response.blob().then((body) => new Response(body, { status: response.status, statusText: response.statusText, headers }));
}

function offlinePage() {
  const html = "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width,initial-scale=1'>" +
    "<title>firstline</title><body>" +
    // A link to the page itself tries the network again; no inline script or style, as everywhere.
    "<h1>" + TEXTS.title + "</h1><p>" + TEXTS.body + "</p><p><a href=''>" + TEXTS.retry + "</a></p>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8", "X-Firstline-Offline": "1" } });
}

async function networkFirst(event, what) {
  const cache = await caches.open(what === "page" ? PAGE_CACHE : ASSET_CACHE);
  const network = fetch(event.request).then((response) => {
    if (keepable(response)) {
      event.waitUntil(cache.put(event.request, response.clone()));
    }
    return response;
  });
  event.waitUntil(network.catch(() => null));
  let patience;
  const slow = new Promise((resolve) => {
    patience = setTimeout(async () => resolve(await cache.match(event.request, { ignoreVary: true })), PAGE_PATIENCE_MS);
  });
  try {
    const response = what === "page" ? await Promise.race([network, slow.then((cached) => cached ? fromCache(cached) : network)]) : await network;
    return response;
  } catch (error) {
    const cached = await cache.match(event.request, { ignoreVary: true });
    if (cached) return fromCache(cached);
    if (what === "page") return offlinePage();
    throw error;
  } finally {
    clearTimeout(patience);
  }
}

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  const what = kind(new URL(event.request.url));
  if (!what) return;
  event.respondWith(networkFirst(event, what));
});

// Pages ask to be kept ("keep": their own address, or the door pages of a leader's buildings) and
// to be forgotten when another account signs in on the same device ("forget").
async function keep(urls, force) {
  const cache = await caches.open(PAGE_CACHE);
  let kept = 0;
  for (const url of urls) {
    if (kind(new URL(url, self.location.origin)) !== "page") continue;
    if (!force && (await cache.match(url, { ignoreVary: true }))) {
      kept += 1;
      continue;
    }
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (keepable(response)) {
        await cache.put(url, response);
        kept += 1;
      }
    } catch (error) {
      // No network: the page stays as it was kept before, if it was.
    }
  }
  return kept;
}

function forgetPages() {
  return caches.delete(PAGE_CACHE);
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const port = event.ports && event.ports[0];
  const reply = (message) => port && port.postMessage(message);
  if (data.type === "keep") {
    event.waitUntil(keep(data.urls || [], Boolean(data.force)).then((kept) => reply({ ok: true, kept }), () => reply({ ok: false })));
  } else if (data.type === "forget") {
    event.waitUntil(forgetPages().then(() => reply({ ok: true }), () => reply({ ok: false })));
  }
});
