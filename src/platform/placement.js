// Which serving process keeps a worker warm. Each worker has a home process, chosen by
// rendezvous (highest-random-weight) hashing over the processes that are up: every process
// computes the same home without asking anyone, and when a process goes or comes back only the
// workers whose home it is move. A worker that uses Durable Objects is at home in process 0 (the
// anchor) whatever the hash says, so each object has one instance.
//
// Other processes forward a worker's requests to its home. One that forwards more than
// `hotRequestsPerSecond` of them within a second starts its own copy, serves locally while the
// worker stays hot, and drops that copy once it has been idle for COOL_MS.
import { hash } from 'node:crypto';

export const ANCHOR_INDEX = 0;
// How long a copy outside a worker's home is kept without being used.
export const COOL_MS = 30_000;
const WINDOW_MS = 1000;

export class Placement {
  // index: this process; processCount: all of them, assumed up until told otherwise.
  constructor(index, processCount) {
    this.index = index;
    this.live = Array.from({ length: processCount }, (_, i) => i);
    this.homes = new Map(); // worker -> index, for the current set of live processes
  }

  // The processes that are up (sorted indexes); homes are computed again.
  setLive(indexes) {
    this.live = [...indexes].sort((a, b) => a - b);
    this.homes.clear();
  }

  home(name, anchored) {
    if (anchored) return ANCHOR_INDEX;
    let home = this.homes.get(name);
    if (home === undefined) {
      let best = -1;
      for (const index of this.live) {
        // The first 48 bits of a digest are plenty to order a handful of processes.
        const score = parseInt(hash('sha1', `${index}\u0000${name}`).slice(0, 12), 16);
        if (score > best) [best, home] = [score, index];
      }
      this.homes.set(name, home ?? this.index);
    }
    return home ?? this.index;
  }

  isHome(name, anchored) {
    return this.home(name, anchored) === this.index;
  }
}

// Requests per worker over the current one-second window, in one process.
export class Heat {
  constructor(hotRequestsPerSecond) {
    this.threshold = hotRequestsPerSecond;
    this.windows = new Map(); // worker -> { start, count, hotUntil }
  }

  // Counts one request for `name`; true while the worker is hot here: more than the threshold in
  // a window, and for COOL_MS after the last such window.
  note(name, now = performance.now()) {
    let window = this.windows.get(name);
    if (!window) this.windows.set(name, (window = { start: now, count: 0, hotUntil: 0 }));
    if (now - window.start >= WINDOW_MS) {
      window.start = now;
      window.count = 0;
    }
    window.count += 1;
    if (window.count > this.threshold) window.hotUntil = now + COOL_MS;
    return window.hotUntil > now;
  }

  isHot(name, now = performance.now()) {
    return (this.windows.get(name)?.hotUntil ?? 0) > now;
  }

  // Forgets workers that have been quiet for a while, so the map does not keep every name seen.
  sweep(now = performance.now()) {
    for (const [name, window] of this.windows) if (window.hotUntil <= now && now - window.start > COOL_MS) this.windows.delete(name);
  }
}
