// node:perf_hooks as Workers has it: the global performance object (its clock only advances
// between turns), the Performance* classes the runtime has, and the histogram APIs unimplemented.
import { ERR_METHOD_NOT_IMPLEMENTED } from './_errors.js';

export const constants = Object.freeze({
  NODE_PERFORMANCE_GC_MAJOR: 4,
  NODE_PERFORMANCE_GC_MINOR: 1,
  NODE_PERFORMANCE_GC_INCREMENTAL: 8,
  NODE_PERFORMANCE_GC_WEAKCB: 16,
  NODE_PERFORMANCE_GC_FLAGS_NO: 0,
  NODE_PERFORMANCE_GC_FLAGS_CONSTRUCT_RETAINED: 2,
  NODE_PERFORMANCE_GC_FLAGS_FORCED: 4,
  NODE_PERFORMANCE_GC_FLAGS_SYNCHRONOUS_PHANTOM_PROCESSING: 8,
  NODE_PERFORMANCE_GC_FLAGS_ALL_AVAILABLE_GARBAGE: 16,
  NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY: 32,
  NODE_PERFORMANCE_GC_FLAGS_SCHEDULE_IDLE: 64,
});

export const performance = globalThis.performance;
export const Performance = globalThis.Performance ?? globalThis.performance?.constructor;
export const PerformanceEntry = globalThis.PerformanceEntry;
export const PerformanceMark = globalThis.PerformanceMark;
export const PerformanceMeasure = globalThis.PerformanceMeasure;
export const PerformanceObserver = globalThis.PerformanceObserver;
export const PerformanceObserverEntryList = globalThis.PerformanceObserverEntryList;
export const PerformanceResourceTiming = globalThis.PerformanceResourceTiming;

export function createHistogram() {
  throw ERR_METHOD_NOT_IMPLEMENTED('createHistogram');
}

export function monitorEventLoopDelay() {
  throw ERR_METHOD_NOT_IMPLEMENTED('monitorEventLoopDelay');
}

export default {
  Performance, PerformanceEntry, PerformanceMark, PerformanceMeasure, PerformanceObserver, PerformanceObserverEntryList,
  PerformanceResourceTiming, monitorEventLoopDelay, createHistogram, performance, constants,
};
