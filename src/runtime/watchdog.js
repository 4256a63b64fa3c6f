// The wall-clock backstop for turns that never return, without a timer per turn.
//
// Every worker turn runs synchronously on this thread, so nothing on this thread can stop one
// that spins forever. isolated-vm's per-call `timeout` can, but it sets up a timer for every
// call, which costs a quarter of the throughput of a hello-world worker. Instead a small watchdog
// isolate runs on isolated-vm's thread pool, sleeping in Atomics.wait and waking every POLL_MS.
// The host publishes the running turn in shared memory (its deadline, then the watchdog slot of
// its isolate) and the watchdog disposes an isolate whose turn is past its deadline. The host
// sees the turn fail with "Isolate was disposed during execution" and, from the kill count,
// knows it was the watchdog.
//
// The watchdog works in rounds of about a second and closes at the end of a round in which no
// turn is running, so that new isolates can be handed to it and an idle process can exit. A turn
// that starts while it is closed, or whose isolate it does not know yet, reopens it and falls
// back to isolated-vm's timeout for itself.
import ivm from 'isolated-vm';

const POLL_MS = 20;
const POLLS_PER_ROUND = 50;

// Int32 slots of the shared state; a Float64 deadline follows them.
const SLOT = 0; // watchdog slot of the isolate running a turn; IDLE between turns; CLOSED
const KILLS = 1; // incremented by the watchdog each time it disposes an isolate
const INT_SLOTS = 2;
const IDLE = -1;
const CLOSED = -2;

const WATCH_SOURCE = `(function (shared, targets) {
  const ints = new Int32Array(shared, 0, ${INT_SLOTS});
  const deadline = new Float64Array(shared, ${INT_SLOTS * 4}, 1);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  Atomics.compareExchange(ints, ${SLOT}, ${CLOSED}, ${IDLE});
  for (let i = 1; ; i++) {
    Atomics.wait(sleeper, 0, 0, ${POLL_MS});
    const slot = Atomics.load(ints, ${SLOT});
    if (slot >= 0 && Date.now() > deadline[0] && Atomics.load(ints, ${SLOT}) === slot) {
      const target = targets[slot];
      if (target && !target.isDisposed) {
        Atomics.add(ints, ${KILLS}, 1);
        // The host may be disposing the same isolate at this very moment.
        try { target.dispose(); } catch {}
      }
    }
    if (i >= ${POLLS_PER_ROUND} && Atomics.compareExchange(ints, ${SLOT}, ${IDLE}, ${CLOSED}) === ${IDLE}) return;
  }
})`;

class Watchdog {
  constructor() {
    const shared = new SharedArrayBuffer(INT_SLOTS * 4 + 8);
    this.ints = new Int32Array(shared, 0, INT_SLOTS);
    this.deadline = new Float64Array(shared, INT_SLOTS * 4, 1);
    this.ints[SLOT] = CLOSED;
    this.shared = new ivm.ExternalCopy(shared);
    const isolate = new ivm.Isolate({ memoryLimit: 8 });
    const context = isolate.createContextSync();
    this.watch = context.evalSync(WATCH_SOURCE, { reference: true });
    this.register = context.evalSync('(function (targets, slot, isolate) { targets[slot] = isolate; })', { reference: true });
    this.targets = context.evalSync('[]', { reference: true });
    this.slots = new Map(); // ivm.Isolate -> slot, for isolates the watchdog holds
    this.pending = new Map(); // ivm.Isolate -> slot, handed over when the next round starts
    this.freeSlots = [];
    this.nextSlot = 0;
    this.roundQueued = false;
  }

  // Publishes a turn of `isolate` due by `deadlineMs` (Date.now() time). Returns whether the
  // watchdog guards it; if not, the caller must bound the turn itself.
  beginTurn(isolate, deadlineMs) {
    const slot = this.slots.get(isolate);
    if (slot === undefined && !this.pending.has(isolate)) this.pending.set(isolate, this.freeSlots.pop() ?? this.nextSlot++);
    if (slot !== undefined) {
      this.deadline[0] = deadlineMs;
      if (Atomics.compareExchange(this.ints, SLOT, IDLE, slot) === IDLE) return true;
    }
    this.#reopen();
    return false;
  }

  // Ends a turn that beginTurn guarded.
  endTurn() {
    Atomics.store(this.ints, SLOT, IDLE);
  }

  kills() {
    return Atomics.load(this.ints, KILLS);
  }

  forget(isolate) {
    const slot = this.slots.get(isolate) ?? this.pending.get(isolate);
    if (slot === undefined) return;
    this.slots.delete(isolate);
    this.pending.delete(isolate);
    this.freeSlots.push(slot);
  }

  // Starts a round (after handing over new isolates) unless one is already queued or running.
  #reopen() {
    if (this.roundQueued || Atomics.load(this.ints, SLOT) !== CLOSED) return;
    this.roundQueued = true;
    for (const [isolate, slot] of this.pending) {
      if (isolate.isDisposed) {
        this.freeSlots.push(slot);
        continue;
      }
      this.register.applySync(undefined, [this.targets.derefInto(), slot, isolate]);
      this.slots.set(isolate, slot);
    }
    this.pending.clear();
    const done = () => {
      this.roundQueued = false;
    };
    const failed = () => {
      // The round ended without closing itself: close it, so that turns stop counting on it.
      Atomics.store(this.ints, SLOT, CLOSED);
      done();
    };
    this.watch.apply(undefined, [this.shared.copyInto(), this.targets.derefInto()]).then(done, failed);
  }
}

let watchdog = null;

export function getWatchdog() {
  watchdog ??= new Watchdog();
  return watchdog;
}
