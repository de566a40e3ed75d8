// firstline capture: reading codes with the phone's camera (BarcodeDetector), where the browser
// has it; elsewhere the page says so, and a scanner or the keyboard is used.

import { M, $, fmt } from "./page.js";
import { say, unlockAudio } from "./feedback.js";

let camera = null;

// `onCode` gets each code read, once while it stays in front of the lens.
export async function setupCamera(onCode) {
  const button = $("cap-camera");
  if (!button) return;
  let formats = [];
  if ("BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    try { formats = await window.BarcodeDetector.getSupportedFormats(); } catch (error) { formats = []; }
  }
  if (!formats.length) { $("cap-camera-note").hidden = false; return; }
  button.hidden = false;
  button.addEventListener("click", () => (camera ? stopCamera() : startCamera(formats, onCode)));
  $("cap-camera-stop").addEventListener("click", stopCamera);
}

async function startCamera(formats, onCode) {
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
            onCode(value);
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
