// Rewrites stack traces from the isolate (which name bundle modules and bundle positions) to the
// user's own files and lines, using the bundle's source maps.
import { SourceMap } from 'node:module';

export class StackMapper {
  constructor(sourceMaps = {}) {
    this.maps = new Map();
    for (const [name, payload] of Object.entries(sourceMaps)) this.maps.set(name, new SourceMap(payload));
  }

  map(stack) {
    if (!stack || this.maps.size === 0) return stack;
    return stack.replace(/\(?([^\s()]+):(\d+):(\d+)\)?/g, (match, file, line, column) => {
      const map = this.maps.get(file);
      if (!map) return match;
      const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
      if (!entry?.originalSource) return match;
      const mapped = `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
      return match.startsWith('(') ? `(${mapped})` : mapped;
    });
  }
}
