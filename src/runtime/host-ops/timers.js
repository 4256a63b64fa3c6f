// Timers requested by the isolate. Each belongs to the invocation that set it: its callback runs
// as a turn of that invocation (CPU counted there) and it is cancelled when the invocation ends
// (or, in a Durable Object, handed to another event of the same object still running).

export function timerSet(host, id, ms, repeat) {
  if (!Number.isInteger(id) || typeof ms !== 'number') throw new TypeError('Invalid timer.');
  // An id already in use would orphan that timer: it could never be cleared again.
  timerClear(host, id);
  const timer = { handle: null, invocation: host.current };
  const fire = () => {
    if (!repeat) host.timers.delete(id);
    host.enterTimer(timer.invocation, id);
  };
  const delay = Math.min(Math.max(ms, 0), 2 ** 31 - 1) || 0;
  timer.handle = repeat ? setInterval(fire, delay) : setTimeout(fire, delay);
  host.timers.set(id, timer);
}

export function timerClear(host, id) {
  const timer = host.timers.get(id);
  if (!timer) return;
  clearTimeout(timer.handle);
  host.timers.delete(id);
}
