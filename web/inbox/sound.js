/**
 * The quiet notice sound: two short soft sine tones made with WebAudio (no audio file is loaded from anywhere).
 * Browsers start audio only after a click or key press on the page; until then the context waits (resumed on the
 * next gesture), and a chime asked for meanwhile is simply not heard.
 */

// [frequency Hz, start s, length s]; the gain stays low (a notice, not an alarm).
export const TONES = Object.freeze([[784, 0, 0.14], [1047, 0.12, 0.2]]);
export const VOLUME = 0.06;

let context = null;

function audioContext() {
  const Context = typeof window !== 'undefined' && (window.AudioContext || window.webkitAudioContext);
  if (!Context) return null;
  if (!context) context = new Context();
  return context;
}

/** Resume audio after a user gesture (called from the page's first click or key press). */
export function unlockAudio() {
  const ctx = audioContext();
  if (ctx && ctx.state === 'suspended') ctx.resume().catch(() => {});
}

export function chime() {
  const ctx = audioContext();
  if (!ctx) return false;
  if (ctx.state === 'suspended') ctx.resume().catch(() => {});
  const start = ctx.currentTime + 0.02;
  for (const [frequency, offset, length] of TONES) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(VOLUME, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + length);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start + offset);
    osc.stop(start + offset + length + 0.02);
  }
  return true;
}
