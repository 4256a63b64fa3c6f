// Numbers shared by the host and the isolate: which event an entry into the isolate delivers.
// (Imported by both sides; plain data only.)
export const Entry = Object.freeze({
  COMPLETE: 0, // an asynchronous host op finished: (callId, ok, value)
  FETCH: 1, // an HTTP request: (invocationId, method, url, headers, cfJson, sourceId)
  TIMER: 2, // a timer fired: (timerId)
  ENV: 3, // before modules load: (envDescription)
  MAIN: 4, // after modules load: (mainModuleNamespace)
  // a turn ended on a promise rejection nothing handled: ('error', name, message, stack) or ('value', value)
  REJECTION: 5,
  SCHEDULED: 6, // a cron trigger: (invocationId, cron, scheduledTime)
  QUEUE: 7, // a batch of queue messages: (invocationId, queueName, [[id, timestamp, contentType, body, attempts], ...])
  // RPC (see web/rpc-values.js): `path` is a list of property names, `args` a payload or null for
  // a read; the outcome goes to reply `replyId`.
  RPC: 8, // a call over a service binding: (invocationId, entrypoint | null, path, args, replyId)
  // Durable Objects, named by a handle "<className>\n<id>\n<name>":
  OBJECT_FETCH: 9, // (invocationId, handle, method, url, headers, sourceId)
  OBJECT_RPC: 10, // (invocationId, handle, path, args, replyId)
  OBJECT_ALARM: 11, // (invocationId, handle, retryCount)
  OBJECT_EVICT: 12, // (handle)
  // (invocationId, handle, socketId, closedOutgoing, ['message', data] | ['close', code, reason, wasClean] | ['error', message])
  OBJECT_WEBSOCKET: 13,
  CAP_CALL: 14, // a call on an object this isolate exported: (exportId, path, args, replyId)
  CAP_RELEASE: 15, // no stub refers to that object any more: (exportId)
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
