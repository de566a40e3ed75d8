// firstline capture: telling the person scanning — a line of text, a sound, a vibration. A desk is
// loud, and the screen is not always looked at.

import { $ } from "./page.js";

let audio = null;

// Browsers start sound only after a gesture: every tap and key press calls this.
export function unlockAudio() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  try {
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume().catch(() => {});
  } catch (error) { audio = null; }
}

export function beep(kind) {
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

export function say(text, tone) {
  const box = $("cap-message");
  if (!box) return;
  box.textContent = text || "";
  box.dataset.tone = tone || "info";
}
