// Runs a worker's Cron Triggers: each expression fires the scheduled handler at the minutes it
// names, in UTC. Runs missed while the server was down are not made up afterwards; a run still
// going when its trigger fires again does not hold the next one back.
import { parseCron, nextFireTime } from './cron.js';

// setTimeout's longest delay; a later fire time is approached in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

export class CronScheduler {
  #triggers;
  #closed = false;

  // crons: the expressions (each is checked here: a CronError names the one that is wrong).
  // worker(): the worker to run them on, looked up at each fire. onRun({ cron, scheduledTime,
  // ok, wallMs, cpuMs, invocation, error }): one call per run. now(): the clock (ms since the epoch).
  constructor({ crons, worker, onRun = () => {}, now = Date.now }) {
    this.#triggers = crons.map((cron) => ({ cron, schedule: parseCron(cron), timer: null }));
    this.worker = worker;
    this.onRun = onRun;
    this.now = now;
  }

  start() {
    for (const trigger of this.#triggers) this.#arm(trigger, this.now());
    return this;
  }

  close() {
    this.#closed = true;
    for (const trigger of this.#triggers) clearTimeout(trigger.timer);
  }

  #arm(trigger, after) {
    if (this.#closed) return;
    const at = nextFireTime(trigger.schedule, after);
    if (at === null) return; // an expression that names no real date (e.g. 30 February)
    const wait = at - this.now();
    trigger.timer = setTimeout(() => {
      if (wait > MAX_TIMER_MS) this.#arm(trigger, after);
      else this.#fire(trigger, at);
    }, Math.max(0, Math.min(wait, MAX_TIMER_MS)));
    trigger.timer.unref();
  }

  async #fire(trigger, scheduledTime) {
    this.#arm(trigger, Math.max(scheduledTime, this.now()));
    const started = performance.now();
    try {
      const { outcome, invocation } = await this.worker().scheduled(trigger.cron, scheduledTime);
      this.onRun({ cron: trigger.cron, scheduledTime, ok: outcome?.[0] === true, wallMs: performance.now() - started, cpuMs: invocation.cpuMs, invocation, error: null });
    } catch (error) {
      this.onRun({ cron: trigger.cron, scheduledTime, ok: false, wallMs: performance.now() - started, cpuMs: 0, error });
    }
  }
}
