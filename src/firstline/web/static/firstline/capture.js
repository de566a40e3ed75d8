// firstline capture: the entry of the capture pages — the registration desk, door to door, and
// the list of a leader's buildings (web/views/capture.py). Loaded as a module; the modules it
// builds on are in capture/ (no build step), and every one of them is kept by the service worker
// (CAPTURE_MODULES in the view), so that the page starts with no network:
//
//   page.js      the page's settings and small helpers     queue.js     scans in IndexedDB, upload
//   rules.js     the server's pooling and refusal rules    tube.js      the tube at hand, scanning
//   desk.js      the scan box, the finder, desk focus      door.js      the building's doors offline
//   list.js      the status bar and the list of scans      feedback.js  text, sound, vibration
//   camera.js    codes read by the camera                  offline.js   the service worker

import { cfg } from "./capture/page.js";
import { flush, hooks, listenToOtherTabs, mine, openQueue, ordered, upload } from "./capture/queue.js";
import { announce, closeTube, handleScan, refreshCurrent, render, takePerson } from "./capture/tube.js";
import { wireDesk } from "./capture/desk.js";
import { wireDoor } from "./capture/door.js";
import { unlockAudio } from "./capture/feedback.js";
import { setupCamera } from "./capture/camera.js";
import { setupOffline } from "./capture/offline.js";

const TICK_MS = 5000;

function wire() {
  const close = document.getElementById("cap-close-tube");
  if (close) {
    close.dataset.label = close.textContent;
    close.addEventListener("click", closeTube);
  }
  wireDoor(takePerson, unlockAudio);
  wireDesk();
  document.addEventListener("keydown", unlockAudio, { once: true });
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
  listenToOtherTabs();
  setInterval(() => {
    if (ordered().some((r) => r.state === "pending" && mine(r))) flush();
  }, TICK_MS);
}

async function start() {
  hooks.changed = render;
  hooks.answered = announce;
  await openQueue();
  wire();
  render();
  setupCamera(handleScan);
  flush(true);
  refreshCurrent();
  setupOffline();
  document.documentElement.dataset.captureReady = "1";
}

if (cfg) start();
