// Numbers shared by the host and the isolate: which event an entry into the isolate delivers.
// (Imported by both sides; plain data only.)
export const Entry = Object.freeze({
  COMPLETE: 0, // an asynchronous host op finished: (callId, ok, value)
  FETCH: 1, // an HTTP request: (invocationId, method, url, headers, cfJson, sourceId)
  TIMER: 2, // a timer fired: (timerId)
  ENV: 3, // before modules load: (envDescription)
  MAIN: 4, // after modules load: (mainModuleNamespace)
  FLUSH: 5, // nothing: entering runs the microtasks an unhandled rejection cut short
  SCHEDULED: 6, // a cron trigger: (invocationId, cron, scheduledTime)
  QUEUE: 7, // a batch of queue messages: (invocationId, queueName, [[id, timestamp, contentType, body, attempts], ...])
  RPC: 8, // a method call over a service binding: (invocationId, entrypoint | null, method, args)
  // Durable Objects, named by a handle "<className>\n<id>\n<name>":
  OBJECT_FETCH: 9, // (invocationId, handle, method, url, headers, sourceId)
  OBJECT_RPC: 10, // (invocationId, handle, method, args)
  OBJECT_ALARM: 11, // (invocationId, handle, retryCount)
  OBJECT_EVICT: 12, // (handle)
});

// The key marking a host op's failure in its return value: { [HOST_ERROR]: [name, message] }.
export const HOST_ERROR = '__outpost_host_error__';

// Header lists cross the boundary as one string, "name\nvalue\nname\nvalue...": a single string
// is copied directly, while an array goes through V8's serializer. Neither names nor values can
// contain a newline (HTTP forbids it, and Headers rejects it).
export function joinHeaders(list) {
  return list.join('\n');
}

export function splitHeaders(text) {
  return text === '' ? [] : text.split('\n');
}
