// Timers requested by the isolate. Each belongs to the invocation that set it: its callback runs
// as a turn of that invocation (CPU counted there) and it is cancelled when the invocation ends.

export function timerSet(host, id, ms, repeat) {
  const invocation = host.current;
  const fire = () => {
    if (!repeat) host.timers.delete(id);
    host.enterTimer(invocation, id);
  };
  const handle = repeat ? setInterval(fire, ms) : setTimeout(fire, ms);
  host.timers.set(id, { handle, invocation });
}

export function timerClear(host, id) {
  const timer = host.timers.get(id);
  if (!timer) return;
  clearTimeout(timer.handle);
  host.timers.delete(id);
}
