// firstline capture: reading codes with the phone's camera, or from a photo. The browser's own
// BarcodeDetector where it has one (Chrome on Android); elsewhere (iPhones, Firefox, Chromium on a
// laptop) the decoder vendored in static/firstline/vendor/zxing/ (@zxing/library, plain JavaScript:
// no eval, no WebAssembly, so the Content-Security-Policy stays as it is), loaded only when the
// camera starts or a photo is chosen. A photo ("scan from a photo") helps where the live camera is
// refused or too slow: the phone's own camera app takes it.

import { M, cfg, $, fmt } from "./page.js";
import { say, unlockAudio } from "./feedback.js";

const WANTED = ["qr_code", "code_128", "code_39", "code_93", "codabar", "ean_13", "ean_8", "itf", "data_matrix", "pdf417"];
const ZXING_FORMATS = ["QR_CODE", "CODE_128", "CODE_39", "CODE_93", "CODABAR", "EAN_13", "EAN_8", "ITF", "DATA_MATRIX", "PDF_417"];
const MAX_SIDE = 960; // frames and photos are read at most this large: enough for a code, quick on a phone

let camera = null;
let decoderPromise = null;

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error("decoder not loaded"));
    document.head.append(script);
  });
}

// A reader of codes: `read(source)` gives the texts found in a video frame or an image.
async function nativeDecoder() {
  if (!("BarcodeDetector" in window)) return null;
  let formats = [];
  try { formats = await window.BarcodeDetector.getSupportedFormats(); } catch (error) { formats = []; }
  const usable = WANTED.filter((f) => formats.includes(f));
  if (!usable.length) return null;
  const detector = new window.BarcodeDetector({ formats: usable });
  return { kind: "native", read: async (source) => (await detector.detect(source)).map((found) => found.rawValue) };
}

async function vendoredDecoder() {
  if (!window.ZXing) await loadScript(cfg.decoder_url);
  const Z = window.ZXing;
  const hints = new Map();
  hints.set(Z.DecodeHintType.POSSIBLE_FORMATS, ZXING_FORMATS.map((name) => Z.BarcodeFormat[name]));
  hints.set(Z.DecodeHintType.TRY_HARDER, true);
  const reader = new Z.MultiFormatReader();
  reader.setHints(hints);
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return {
    kind: "vendored",
    read: async (source) => {
      const width = source.videoWidth || source.width;
      const height = source.videoHeight || source.height;
      if (!width || !height) return [];
      const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(source, 0, 0, canvas.width, canvas.height);
      const bitmap = new Z.BinaryBitmap(new Z.HybridBinarizer(new Z.HTMLCanvasElementLuminanceSource(canvas)));
      try {
        return [reader.decodeWithState(bitmap).getText()];
      } catch (error) {
        return []; // no code in this frame
      } finally {
        reader.reset();
      }
    },
  };
}

// The browser's detector, else the vendored one (loaded once, on first use).
function decoder() {
  if (!decoderPromise) {
    decoderPromise = nativeDecoder().then((native) => native || vendoredDecoder());
    decoderPromise.catch(() => { decoderPromise = null; });
  }
  return decoderPromise;
}

// `onCode` gets each code read, once while it stays in front of the lens.
export function setupCamera(onCode) {
  const button = $("cap-camera");
  if (!button) return;
  const live = Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  if (live) {
    button.hidden = false;
    button.addEventListener("click", () => (camera ? stopCamera() : startCamera(onCode)));
    $("cap-camera-stop").addEventListener("click", stopCamera);
  } else {
    $("cap-camera-note").hidden = false;
  }
  const photo = $("cap-photo");
  if (photo) {
    photo.addEventListener("change", () => {
      const file = photo.files && photo.files[0];
      photo.value = "";
      if (file) readPhoto(file, onCode);
    });
  }
}

async function readPhoto(file, onCode) {
  unlockAudio();
  say(M.camera_reading, "info");
  try {
    const reader = await decoder();
    const image = await window.createImageBitmap(file);
    const found = await reader.read(image);
    if (image.close) image.close();
    if (found.length && found[0]) onCode(found[0]);
    else say(M.photo_no_code, "error");
  } catch (error) {
    say(fmt(M.camera_no_permission, { error: error.message || error.name }), "error");
  }
}

async function startCamera(onCode) {
  unlockAudio();
  const video = $("cap-video");
  try {
    const [stream, reader] = await Promise.all([
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }),
      decoder(),
    ]);
    video.srcObject = stream;
    $("cap-video-wrap").hidden = false;
    await video.play();
    camera = { stream, last: "", lastAt: 0, timer: null };
    document.documentElement.dataset.cameraDecoder = reader.kind;
    const look = async () => {
      if (!camera) return;
      try {
        for (const value of await reader.read(video)) {
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
