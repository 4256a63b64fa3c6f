// Listeners for the end of an event (a request and its waitUntil() work), by event id: the event
// dispatcher calls eventEnded() when it closes an invocation, and the virtual file system drops
// that event's /tmp.
const listeners = [];

export function onEventEnd(listener) {
  listeners.push(listener);
}

export function eventEnded(id) {
  for (const listener of listeners) listener(id);
}
