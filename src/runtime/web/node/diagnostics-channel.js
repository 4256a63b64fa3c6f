// node:diagnostics_channel: named channels (channel, subscribe, unsubscribe, hasSubscribers),
// bindStore/runStores with AsyncLocalStorage, and tracing channels (traceSync, tracePromise,
// traceCallback). A subscriber that throws does not disturb the publisher: its error is
// reported afterwards, as an uncaught exception, as in Node.
import { ERR_INVALID_ARG_TYPE, validateFunction } from './_errors.js';

function reportLater(err) {
  queueMicrotask(() => {
    throw err;
  });
}

export class Channel {
  #subscribers = [];
  #stores = new Map();

  constructor(name) {
    this.name = name;
  }

  get hasSubscribers() {
    return this.#subscribers.length > 0 || this.#stores.size > 0;
  }

  subscribe(subscription) {
    validateFunction(subscription, 'subscription');
    this.#subscribers = [...this.#subscribers, subscription];
  }

  unsubscribe(subscription) {
    const index = this.#subscribers.indexOf(subscription);
    if (index === -1) return false;
    this.#subscribers = [...this.#subscribers.slice(0, index), ...this.#subscribers.slice(index + 1)];
    return true;
  }

  bindStore(store, transform = undefined) {
    this.#stores = new Map(this.#stores);
    this.#stores.set(store, transform);
  }

  unbindStore(store) {
    if (!this.#stores.has(store)) return false;
    this.#stores = new Map(this.#stores);
    this.#stores.delete(store);
    return true;
  }

  publish(data) {
    for (const onMessage of this.#subscribers) {
      try {
        onMessage(data, this.name);
      } catch (err) {
        reportLater(err);
      }
    }
  }

  runStores(data, fn, thisArg, ...args) {
    let run = () => {
      this.publish(data);
      return Reflect.apply(fn, thisArg, args);
    };
    for (const [store, transform] of this.#stores) {
      const next = run;
      run = () => {
        let newStore = data;
        if (transform) {
          try {
            newStore = transform(data);
          } catch (err) {
            reportLater(err);
            return next();
          }
        }
        return store.run(newStore, next);
      };
    }
    return run();
  }
}

const channels = new Map();

export function channel(name) {
  if (typeof name !== 'string' && typeof name !== 'symbol') throw ERR_INVALID_ARG_TYPE('channel', ['string', 'symbol'], name);
  let found = channels.get(name);
  if (found === undefined) {
    found = new Channel(name);
    channels.set(name, found);
  }
  return found;
}

export function hasSubscribers(name) {
  const found = channels.get(name);
  return found !== undefined && found.hasSubscribers;
}

export function subscribe(name, subscription) {
  channel(name).subscribe(subscription);
}

export function unsubscribe(name, subscription) {
  return channel(name).unsubscribe(subscription);
}

const traceEvents = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'];

export class TracingChannel {
  constructor(nameOrChannels) {
    if (typeof nameOrChannels === 'string') {
      for (const eventName of traceEvents) this[eventName] = channel(`tracing:${nameOrChannels}:${eventName}`);
    } else if (nameOrChannels !== null && typeof nameOrChannels === 'object') {
      for (const eventName of traceEvents) {
        const value = nameOrChannels[eventName];
        if (!(value instanceof Channel)) throw ERR_INVALID_ARG_TYPE(`nameOrChannels.${eventName}`, 'Channel', value);
        this[eventName] = value;
      }
    } else {
      throw ERR_INVALID_ARG_TYPE('nameOrChannels', ['string', 'object', 'TracingChannel'], nameOrChannels);
    }
  }

  get hasSubscribers() {
    return traceEvents.some((eventName) => this[eventName].hasSubscribers);
  }

  subscribe(handlers) {
    for (const eventName of traceEvents) {
      if (handlers[eventName]) this[eventName].subscribe(handlers[eventName]);
    }
  }

  unsubscribe(handlers) {
    let done = true;
    for (const eventName of traceEvents) {
      if (handlers[eventName] && !this[eventName].unsubscribe(handlers[eventName])) done = false;
    }
    return done;
  }

  traceSync(fn, context = {}, thisArg = undefined, ...args) {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args);
    return traced(this, context, () => {
      const result = Reflect.apply(fn, thisArg, args);
      context.result = result;
      return result;
    });
  }

  tracePromise(fn, context = {}, thisArg = undefined, ...args) {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args);
    const { asyncStart, asyncEnd, error } = this;
    const reject = (err) => {
      context.error = err;
      error.publish(context);
      asyncStart.publish(context);
      asyncEnd.publish(context);
      return Promise.reject(err);
    };
    const resolve = (result) => {
      context.result = result;
      asyncStart.publish(context);
      asyncEnd.publish(context);
      return result;
    };
    return traced(this, context, () => {
      let promise = Reflect.apply(fn, thisArg, args);
      if (!(promise instanceof Promise)) promise = Promise.resolve(promise);
      return promise.then(resolve, reject);
    });
  }

  traceCallback(fn, position = -1, context = {}, thisArg = undefined, ...args) {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args);
    const { asyncStart, asyncEnd, error } = this;
    const callback = args.at(position);
    validateFunction(callback, 'callback');
    function wrappedCallback(err, res) {
      if (err) {
        context.error = err;
        error.publish(context);
      } else {
        context.result = res;
      }
      return asyncStart.runStores(context, () => {
        try {
          return Reflect.apply(callback, this, arguments);
        } finally {
          asyncEnd.publish(context);
        }
      });
    }
    args.splice(position, 1, wrappedCallback);
    return traced(this, context, () => Reflect.apply(fn, thisArg, args));
  }
}

// Runs `call()` with the stores of `channel`'s start event, publishing its error event when
// `call` throws and its end event when it is done, as each trace* method does.
function traced(channel, context, call) {
  const { start, end, error } = channel;
  return start.runStores(context, () => {
    try {
      return call();
    } catch (err) {
      context.error = err;
      error.publish(context);
      throw err;
    } finally {
      end.publish(context);
    }
  });
}

export function tracingChannel(nameOrChannels) {
  return new TracingChannel(nameOrChannels);
}

export default { channel, hasSubscribers, subscribe, tracingChannel, unsubscribe, Channel };
