// The performance timeline that enable_global_performance_classes brings (Performance Timeline,
// User Timing Level 3): performance.mark() and measure(), the entries they record, observers of
// them, and the Performance* classes. Loaded the first time a worker reaches for any of it.
//
// As in Workers, time is the clock of internal/clock.js (it advances only between turns, from a
// time origin of 0), so a measure around pure computation lasts 0 ms; resource timing entries
// are never recorded. The global is a worker's, not a window: no PerformanceTiming values.
// Unlike Workers, whose buffer grows until the isolate runs out of memory, the timeline keeps
// the latest BUFFER_LIMIT marks and the latest BUFFER_LIMIT measures: older ones are dropped
// (and counted in observers' droppedEntriesCount), so a worker that marks forever stays bounded.
import { Performance, now } from './internal/clock.js';
import { EventTarget } from './events.js';
import { DOMException } from './dom-exception.js';

export { Performance };

const BUFFER_LIMIT = 10_000;

// The performance entry buffer of each supported entry type: entries in the order recorded.
const timeline = new Map([
  ['mark', { entries: [], dropped: 0 }],
  ['measure', { entries: [], dropped: 0 }],
]);
const SUPPORTED_ENTRY_TYPES = Object.freeze([...timeline.keys()].sort());

// PerformanceTiming's attributes: a window's navigation times, which a worker has none of.
const PERFORMANCE_TIMING_NAMES = new Set([
  'navigationStart', 'unloadEventStart', 'unloadEventEnd', 'redirectStart', 'redirectEnd', 'fetchStart',
  'domainLookupStart', 'domainLookupEnd', 'connectStart', 'connectEnd', 'secureConnectionStart',
  'requestStart', 'responseStart', 'responseEnd', 'domLoading', 'domInteractive',
  'domContentLoadedEventStart', 'domContentLoadedEventEnd', 'domComplete', 'loadEventStart', 'loadEventEnd',
]);

// WebIDL conversions.
function requireArguments(given, needed, operation) {
  if (given < needed) throw new TypeError(`Failed to execute '${operation}': ${needed} argument required, but only ${given} present.`);
}

// A template literal, unlike String(), refuses symbols as WebIDL does.
const toDOMString = (value) => `${value}`;

function toDictionary(value, type) {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' && typeof value !== 'function') throw new TypeError(`The provided value is not of type '${type}'.`);
  return value;
}

// DOMHighResTimeStamp: a finite double (unary + refuses BigInts, as WebIDL does).
function toTimestamp(value, member) {
  const number = +value;
  if (!Number.isFinite(number)) throw new TypeError(`'${member}' is not a finite floating-point value.`);
  return number;
}

// (DOMString or DOMHighResTimeStamp): a mark's name, or a time.
const toMarkOrTime = (value, member) => (typeof value === 'number' ? toTimestamp(value, member) : toDOMString(value));

function nonNegative(time, member) {
  if (time < 0) throw new TypeError(`'${member}' cannot have a negative value.`);
  return time;
}

// An entry's detail is a structured clone of the one given (null when none is).
const cloneDetail = (detail) => (detail === undefined || detail === null ? null : require('./structured-clone.js').structuredClone(detail));

// Entries are made by this module only (PerformanceMark's constructor aside).
const INTERNAL = Symbol('internal');
let detailOf;

export class PerformanceEntry {
  #name;
  #entryType;
  #startTime;
  #duration;
  #detail;

  constructor(key, name, entryType, startTime, duration, detail = null) {
    if (key !== INTERNAL) throw new TypeError('Illegal constructor');
    this.#name = name;
    this.#entryType = entryType;
    this.#startTime = startTime;
    this.#duration = duration;
    this.#detail = detail;
  }

  get name() {
    return this.#name;
  }
  get entryType() {
    return this.#entryType;
  }
  get startTime() {
    return this.#startTime;
  }
  get duration() {
    return this.#duration;
  }
  toJSON() {
    return { name: this.#name, entryType: this.#entryType, startTime: this.#startTime, duration: this.#duration };
  }

  static {
    detailOf = (entry) => entry.#detail;
  }
}

export class PerformanceMark extends PerformanceEntry {
  constructor(markName, markOptions = undefined) {
    requireArguments(arguments.length, 1, 'PerformanceMark');
    const name = toDOMString(markName);
    // Dictionary members are read in WebIDL's (alphabetical) order.
    const { detail, startTime } = toDictionary(markOptions, 'PerformanceMarkOptions');
    const time = startTime === undefined ? now() : nonNegative(toTimestamp(startTime, 'startTime'), 'startTime');
    super(INTERNAL, name, 'mark', time, 0, cloneDetail(detail));
  }
}

export class PerformanceMeasure extends PerformanceEntry {}

// Outpost, like Workers, records no resource timing: the class is there for instanceof checks.
export class PerformanceResourceTiming extends PerformanceEntry {}

// What marks and measures add to an entry: their detail, shown by toJSON() too.
const DETAIL_MEMBERS = Object.getOwnPropertyDescriptors({
  get detail() {
    return detailOf(this);
  },
  toJSON() {
    return { ...PerformanceEntry.prototype.toJSON.call(this), detail: detailOf(this) };
  },
});
Object.defineProperties(PerformanceMark.prototype, DETAIL_MEMBERS);
Object.defineProperties(PerformanceMeasure.prototype, DETAIL_MEMBERS);

// Methods as a class has them: writable, configurable, not enumerable.
function defineMethods(prototype, methods) {
  for (const [name, method] of Object.entries(methods)) {
    Object.defineProperty(prototype, name, { value: method, writable: true, configurable: true, enumerable: false });
  }
}

// Entries of `entries` with that name and type (either left out: any), by startTime.
function filterEntries(entries, name, type) {
  return entries
    .filter((entry) => (name === undefined || entry.name === name) && (type === undefined || entry.entryType === type))
    .sort((a, b) => a.startTime - b.startTime);
}

// getEntries(), getEntriesByName() and getEntriesByType(), over the entries entriesOf(this) gives.
function entryQueries(entriesOf) {
  return {
    getEntries() {
      return filterEntries(entriesOf(this));
    },
    getEntriesByName(name, type = undefined) {
      requireArguments(arguments.length, 1, 'getEntriesByName');
      const wanted = [toDOMString(name), type === undefined ? undefined : toDOMString(type)];
      return filterEntries(entriesOf(this), ...wanted);
    },
    getEntriesByType(type) {
      requireArguments(arguments.length, 1, 'getEntriesByType');
      const wanted = toDOMString(type);
      return filterEntries(entriesOf(this), undefined, wanted);
    },
  };
}

// The time a mark names (its latest entry's), or a time given as such.
function markTime(mark, member) {
  if (typeof mark === 'number') return nonNegative(mark, member);
  // The spec reads these from a window's PerformanceTiming; in a worker that is a TypeError.
  if (PERFORMANCE_TIMING_NAMES.has(mark)) throw new TypeError(`'${mark}' is a PerformanceTiming attribute, which only a window has.`);
  const marks = timeline.get('mark').entries;
  for (let i = marks.length - 1; i >= 0; i--) {
    if (marks[i].name === mark) return marks[i].startTime;
  }
  throw new DOMException(`The mark '${mark}' does not exist.`, 'SyntaxError');
}

// performance.measure()'s second argument: (DOMString or PerformanceMeasureOptions).
function toStartOrMeasureOptions(value) {
  if (value !== undefined && value !== null && typeof value !== 'object' && typeof value !== 'function') return { startMark: toDOMString(value) };
  const { detail, duration, end, start } = toDictionary(value, 'PerformanceMeasureOptions');
  return {
    options: {
      detail,
      duration: duration === undefined ? undefined : toTimestamp(duration, 'duration'),
      end: end === undefined ? undefined : toMarkOrTime(end, 'end'),
      start: start === undefined ? undefined : toMarkOrTime(start, 'start'),
    },
  };
}

function measureTimes({ startMark, options }, endMark) {
  const { detail, duration, end, start } = options ?? {};
  if (options && (start !== undefined || end !== undefined || duration !== undefined || detail !== undefined)) {
    if (endMark !== undefined) throw new TypeError('An end mark cannot be given with a PerformanceMeasureOptions object that has members.');
    if (start === undefined && end === undefined) throw new TypeError("A PerformanceMeasureOptions object with members needs a 'start' or an 'end'.");
    if (start !== undefined && end !== undefined && duration !== undefined) throw new TypeError("A PerformanceMeasureOptions object cannot have all of 'start', 'end' and 'duration'.");
  }
  let endTime;
  if (endMark !== undefined) endTime = markTime(endMark, 'endMark');
  else if (end !== undefined) endTime = markTime(end, 'end');
  else if (start !== undefined && duration !== undefined) endTime = markTime(start, 'start') + markTime(duration, 'duration');
  else endTime = now();
  let startTime = 0;
  if (start !== undefined) startTime = markTime(start, 'start');
  else if (duration !== undefined && end !== undefined) startTime = markTime(end, 'end') - markTime(duration, 'duration');
  else if (startMark !== undefined) startTime = markTime(startMark, 'startMark');
  return { startTime, endTime, detail };
}

// The registered observers, in the order they first observed.
const observers = new Set();
let observerEntry;
let deliverEntries;
let deliveryQueued = false;

// Queues a new entry to the observers of its type and adds it to the timeline.
function record(entry) {
  for (const observer of observers) observerEntry(observer, entry);
  const buffer = timeline.get(entry.entryType);
  if (buffer.entries.length === BUFFER_LIMIT) {
    buffer.entries.shift();
    buffer.dropped += 1;
  }
  buffer.entries.push(entry);
  queueDelivery();
  return entry;
}

// Observers' callbacks run after the code that recorded the entries, together.
function queueDelivery() {
  if (deliveryQueued) return;
  deliveryQueued = true;
  Promise.resolve().then(() => {
    deliveryQueued = false;
    for (const observer of [...observers]) deliverEntries(observer);
  });
}

function clearEntries(type, name) {
  const buffer = timeline.get(type);
  if (name === undefined) buffer.entries = [];
  else {
    const cleared = toDOMString(name);
    buffer.entries = buffer.entries.filter((entry) => entry.name !== cleared);
  }
}

// The timeline's members of Performance.
const TIMELINE_METHODS = {
  mark(markName, markOptions = undefined) {
    requireArguments(arguments.length, 1, 'mark');
    return record(new PerformanceMark(markName, markOptions));
  },
  measure(measureName, startOrMeasureOptions = undefined, endMark = undefined) {
    requireArguments(arguments.length, 1, 'measure');
    const name = toDOMString(measureName);
    const startOrOptions = toStartOrMeasureOptions(startOrMeasureOptions);
    const { startTime, endTime, detail } = measureTimes(startOrOptions, endMark === undefined ? undefined : toDOMString(endMark));
    return record(new PerformanceMeasure(INTERNAL, name, 'measure', startTime, endTime - startTime, cloneDetail(detail)));
  },
  ...entryQueries(() => [...timeline.values()].flatMap((buffer) => buffer.entries)),
  clearMarks(markName = undefined) {
    clearEntries('mark', markName);
  },
  clearMeasures(measureName = undefined) {
    clearEntries('measure', measureName);
  },
  toJSON() {
    return { timeOrigin: this.timeOrigin };
  },
};

export class PerformanceObserverEntryList {
  #entries;

  constructor(key, entries) {
    if (key !== INTERNAL) throw new TypeError('Illegal constructor');
    this.#entries = entries;
  }

  static {
    defineMethods(this.prototype, entryQueries((list) => list.#entries));
  }
}

export class PerformanceObserver {
  #callback;
  #buffer = [];
  // 'single' (observe({ type })) or 'multiple' (observe({ entryTypes })): the first observe() decides.
  #style = null;
  // While registered: what it observes, as [{ type }] or [{ entryTypes }].
  #options = [];
  #reportsDropped = false;

  constructor(callback) {
    requireArguments(arguments.length, 1, 'PerformanceObserver');
    if (typeof callback !== 'function') throw new TypeError("The provided callback is not a function.");
    this.#callback = callback;
  }

  observe(options = undefined) {
    const init = toDictionary(options, 'PerformanceObserverInit');
    const { buffered } = init;
    const entryTypes = init.entryTypes === undefined ? undefined : toStringSequence(init.entryTypes);
    const type = init.type === undefined ? undefined : toDOMString(init.type);
    if (entryTypes === undefined && type === undefined) throw new TypeError("observe() needs 'entryTypes' or 'type'.");
    if (entryTypes !== undefined && (type !== undefined || buffered !== undefined)) throw new TypeError("observe() takes 'entryTypes' alone, or 'type' and 'buffered'.");
    const style = entryTypes === undefined ? 'single' : 'multiple';
    if (this.#style !== null && this.#style !== style) {
      throw new DOMException(`This observer observes with '${this.#style === 'single' ? 'type' : 'entryTypes'}': it cannot switch.`, 'InvalidModificationError');
    }
    this.#style = style;
    this.#reportsDropped = true;
    // Unsupported types are ignored, as the spec has it.
    if (style === 'multiple') {
      const supported = entryTypes.filter((t) => timeline.has(t));
      if (supported.length === 0) return;
      this.#options = [{ entryTypes: supported }];
    } else {
      if (!timeline.has(type)) return;
      this.#options = [...this.#options.filter((o) => o.type !== type), { type }];
      if (buffered) {
        this.#buffer = this.#buffer.concat(timeline.get(type).entries);
        queueDelivery();
      }
    }
    observers.add(this);
  }

  disconnect() {
    observers.delete(this);
    this.#buffer = [];
    this.#options = [];
  }

  takeRecords() {
    const records = this.#buffer;
    this.#buffer = [];
    return records;
  }

  static get supportedEntryTypes() {
    return SUPPORTED_ENTRY_TYPES;
  }

  #observes(type) {
    return this.#options.some((o) => o.type === type || o.entryTypes?.includes(type));
  }

  // Calls back with the entries queued since the last call, if any. droppedEntriesCount is
  // given once after each observe(): the entries its types lost to the buffer limit.
  #deliver() {
    if (this.#buffer.length === 0) return;
    const list = new PerformanceObserverEntryList(INTERNAL, this.#buffer);
    this.#buffer = [];
    const callbackOptions = {};
    if (this.#reportsDropped) {
      this.#reportsDropped = false;
      callbackOptions.droppedEntriesCount = [...timeline].reduce((sum, [type, buffer]) => sum + (this.#observes(type) ? buffer.dropped : 0), 0);
    }
    try {
      Reflect.apply(this.#callback, this, [list, this, callbackOptions]);
    } catch (err) {
      reportError(err);
    }
  }

  static {
    observerEntry = (observer, entry) => {
      if (observer.#observes(entry.entryType)) observer.#buffer.push(entry);
    };
    deliverEntries = (observer) => observer.#deliver();
  }
}

function toStringSequence(value) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) throw new TypeError("'entryTypes' is not a sequence.");
  return Array.from(value, toDOMString);
}

for (const Class of [PerformanceEntry, PerformanceMark, PerformanceMeasure, PerformanceResourceTiming, PerformanceObserver, PerformanceObserverEntryList]) {
  Object.defineProperty(Class.prototype, Symbol.toStringTag, { value: Class.name, configurable: true });
}

// performance becomes an EventTarget with the timeline's methods, as in Workers with the flag.
Object.setPrototypeOf(Performance, EventTarget);
Object.setPrototypeOf(Performance.prototype, EventTarget.prototype);
defineMethods(Performance.prototype, TIMELINE_METHODS);
