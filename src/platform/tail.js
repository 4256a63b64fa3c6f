// One `outpost tail` connection: the events of a worker that pass its filters, as JSON messages
// in the shape of Cloudflare's tail events ({ scriptName, outcome, eventTimestamp, event, logs,
// exceptions }).

const STATUS_FILTERS = new Set(['ok', 'error', 'canceled']);
const ERROR_OUTCOMES = new Set(['exception', 'exceededCpu', 'exceededMemory', 'exceededWallTime', 'scriptNotFound']);

export class TailSession {
  // query: URLSearchParams with status (ok | error | canceled, repeatable), method (repeatable),
  // search (text in the logs or the URL), sampling_rate (0 to 1).
  constructor(query) {
    this.statuses = query.getAll('status').flatMap((value) => value.split(','));
    if (this.statuses.some((status) => !STATUS_FILTERS.has(status))) throw new TypeError('status must be ok, error or canceled');
    this.methods = query.getAll('method').flatMap((value) => value.split(',')).map((method) => method.toUpperCase());
    this.search = query.get('search') ?? '';
    this.samplingRate = query.has('sampling_rate') ? Number(query.get('sampling_rate')) : 1;
    if (!(this.samplingRate >= 0 && this.samplingRate <= 1)) throw new TypeError('sampling_rate must be between 0 and 1');
    this.ws = null;
  }

  attach(ws) {
    this.ws = ws;
  }

  #passes(event) {
    if (this.statuses.length > 0) {
      const status = event.outcome === 'ok' ? 'ok' : event.outcome === 'canceled' ? 'canceled' : ERROR_OUTCOMES.has(event.outcome) ? 'error' : null;
      if (!this.statuses.includes(status)) return false;
    }
    const request = event.event?.request;
    if (this.methods.length > 0 && !(request && this.methods.includes(request.method))) return false;
    if (this.search) {
      const haystack = [request?.url ?? '', ...event.logs.flatMap((line) => line.message), ...event.exceptions.map((e) => e.message)];
      if (!haystack.some((text) => String(text).includes(this.search))) return false;
    }
    return this.samplingRate >= 1 || Math.random() < this.samplingRate;
  }

  offer(event) {
    if (this.ws?.readyState === 1 && this.#passes(event)) this.ws.send(JSON.stringify(event));
  }
}
