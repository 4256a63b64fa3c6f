// The scheduled event (Cron Triggers): `scheduled(controller, env, ctx)` of a module worker or a
// WorkerEntrypoint, or `addEventListener("scheduled", ...)` in a service-worker script.
import { Event } from './events.js';
import { dispatchHandlerEvent } from './dispatch.js';

const kCreate = Symbol('create');

export class ScheduledController {
  #cron;
  #scheduledTime;
  #outcome;

  constructor(token, cron, scheduledTime, outcome) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#cron = cron;
    this.#scheduledTime = scheduledTime;
    this.#outcome = outcome;
  }

  get cron() {
    return this.#cron;
  }

  get scheduledTime() {
    return this.#scheduledTime;
  }

  get type() {
    return 'scheduled';
  }

  noRetry() {
    this.#outcome.noRetry = true;
  }
}
Object.defineProperty(ScheduledController.prototype, Symbol.toStringTag, { value: 'ScheduledController', configurable: true });

export class ScheduledEvent extends Event {
  #controller;
  #invocation;

  constructor(token, controller, invocation) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    super('scheduled');
    this.#controller = controller;
    this.#invocation = invocation;
  }

  get cron() {
    return this.#controller.cron;
  }

  get scheduledTime() {
    return this.#controller.scheduledTime;
  }

  noRetry() {
    this.#controller.noRetry();
  }

  waitUntil(promise) {
    this.#invocation.waitUntil(promise);
  }
}

// Entered by the host when a cron trigger fires. The outcome ([handler succeeded, noRetry])
// is reported once the handler and its waitUntil() work have settled.
export function dispatchScheduled(id, cron, scheduledTime) {
  const outcome = { noRetry: false };
  dispatchHandlerEvent(id, 'scheduled', (invocation) => {
    const controller = new ScheduledController(kCreate, cron, scheduledTime, outcome);
    return [controller, () => new ScheduledEvent(kCreate, controller, invocation)];
  }, (ok) => [ok, outcome.noRetry]);
}
