// Runs Durable Object alarms: every object alarm of one worker that is due is delivered to the
// object's alarm() handler. A handler that throws is retried with exponential backoff (2 s, 4 s,
// ... up to 6 retries, as Workers does); an alarm set again while the handler ran stands. Alarms
// live in the state directory, so one due while the server was down runs when it starts.
import { nextAlarms, getAlarm, setAlarm, deleteAlarmIf } from '../storage/durable-object-store.js';

const POLL_MS = 250;
const MAX_RETRIES = 6;
const FIRST_BACKOFF_MS = 2000;

export class AlarmScheduler {
  #timer = null;
  #running = new Set();
  #retries = new Map(); // "<className>\n<id>" -> retries so far

  // worker(): the worker exporting the objects' classes. onRun({ className, id, ok, retryCount, invocation, error }).
  constructor({ stateDir, workerName, worker, onRun = () => {} }) {
    this.stateDir = stateDir;
    this.workerName = workerName;
    this.worker = worker;
    this.onRun = onRun;
  }

  start() {
    this.#timer = setInterval(() => this.#tick(), POLL_MS);
    this.#timer.unref();
    this.#tick();
    return this;
  }

  close() {
    clearInterval(this.#timer);
  }

  #tick() {
    const now = Date.now();
    for (const { className, id } of nextAlarms(this.stateDir, this.workerName, now)) {
      const key = `${className}\n${id}`;
      if (this.#running.has(key)) continue;
      // The object's own database is the truth (the index may be stale after a crash).
      const time = getAlarm(this.stateDir, this.workerName, className, id);
      if (time !== null && time <= now) this.#run(key, { className, id, time });
    }
  }

  async #run(key, { className, id, time }) {
    this.#running.add(key);
    const retryCount = this.#retries.get(key) ?? 0;
    let ok = false;
    let error = null;
    let invocation = null;
    try {
      const result = await this.worker().objectAlarm(className, id, retryCount);
      ok = result.outcome?.[0] === true;
      invocation = result.invocation;
    } catch (err) {
      error = err;
    }
    if (ok || retryCount >= MAX_RETRIES) {
      this.#retries.delete(key);
      // An alarm the handler set for later stands; the one that ran is done.
      deleteAlarmIf(this.stateDir, this.workerName, className, id, time);
    } else {
      const current = getAlarm(this.stateDir, this.workerName, className, id);
      this.#retries.set(key, retryCount + 1);
      if (current === time) setAlarm(this.stateDir, this.workerName, className, id, Date.now() + FIRST_BACKOFF_MS * 2 ** retryCount);
    }
    this.#running.delete(key);
    this.onRun({ className, id, ok, retryCount, invocation, error, gaveUp: !ok && retryCount >= MAX_RETRIES });
  }
}
