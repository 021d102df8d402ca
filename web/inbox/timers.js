/** The safety-net polls (one named loop each) and busy buttons. */
import { state } from './state.js';

export function repeat(name, fn, ms) {
  stop(name);
  const loop = { timer: null };
  state.timers[name] = loop;
  const tick = async () => {
    try {
      await fn();
    } finally {
      if (state.timers[name] === loop) loop.timer = setTimeout(tick, ms); // not stopped or replaced meanwhile
    }
  };
  loop.timer = setTimeout(tick, ms);
}

export function stop(name) {
  const loop = state.timers[name];
  if (loop) clearTimeout(loop.timer);
  delete state.timers[name];
}

export function setBusy(button, key, on) {
  if (on) {
    state.busy.add(key);
    button.setAttribute('aria-disabled', 'true'); // not `disabled`: that would drop keyboard focus
  } else {
    state.busy.delete(key);
    button.removeAttribute('aria-disabled');
  }
}
