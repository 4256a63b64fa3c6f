// Cron expressions for Cloudflare Workers Cron Triggers (`[triggers] crons = [...]`).
//
// The dialect is Cloudflare's, not Vixie cron's and not full Quartz. Sources checked:
//  - https://developers.cloudflare.com/workers/configuration/cron-triggers/ ("Supported cron
//    expressions"): five fields, UTC only, "most Quartz scheduler-like cron syntax extensions";
//    characters `* , - /` everywhere, plus `L W` in day-of-month and `L #` in day-of-week;
//    weekdays are 1-7 and the examples fix the numbering: `0 17 * * sun` or `0 17 * * 1` is
//    Sunday, `mon-fri` or `2-6` is weekdays, `6L` or `friL` is the last Friday, `59 23 LW * *`
//    is the last weekday of the month.
//  - github.com/cloudflare/saffron ("cfron"), which its README calls "a cron parser used as part
//    of the backend for Cron Triggers in Cloudflare Workers". Its grammar (saffron/src/parse.rs)
//    and semantics (saffron/src/lib.rs) settle what the docs leave open, see below.
//  - cloudflare/workers-sdk#8674 and #8923: `0 0 * * 0` is refused by the Cloudflare API with
//    "invalid cron string [code: 10100]", because 0 is not a weekday number there.
//
// What that adds up to (and what this module accepts — nothing more):
//  - Exactly five fields: minute hour day-of-month month day-of-week, separated by spaces or tabs.
//    No seconds or year field, no `@daily`-style macros, no `?`, no leading/trailing whitespace
//    (the saffron grammar has none of these).
//  - Values: minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 1-7
//    with 1 = Sunday ... 7 = Saturday, or SUN-SAT. 0 is NOT Sunday (it is refused) and 7 is
//    Saturday. Names are 3-letter and case-insensitive; the `L` and `W` modifiers are upper case
//    only (saffron matches them with a case-sensitive `char('L')`). Leading zeros are fine.
//  - `*`; `a`; `a-b`; `a/n` (a, a+n, ... up to the field maximum); `a-b/n`; `*/n`; lists `x,y,...`
//    of those. A field may begin with `*` only as a bare `*` or `*/n` (`*,5` is refused), but a
//    later list item may use `*` in place of a value, where it stands for the field's minimum:
//    `5,*` is {0, 5} and `5,*/20` is {0, 5, 20, 40} (saffron quirk, kept for fidelity).
//  - A range whose start is after its end wraps around: minute `50-10` is 50-59 and 0-10,
//    `FRI-MON` is Fri, Sat, Sun, Mon, hour `20-4/2` is 20, 22, 0, 2, 4.
//  - A step must be 1 to (max - min): minute 1-59, hour 1-23, day-of-month 1-30, month 1-11,
//    day-of-week 1-6.
//  - Day-of-month, each of which must stand alone (not in a list): `L` last day; `L-n` n days
//    before the last day (n 1-30); `LW` last weekday (Mon-Fri) of the month; `L-nW` the weekday
//    nearest to the day n before the last; `nW` the weekday nearest to day n. "Nearest weekday"
//    follows Quartz: never leaves the month (a Saturday 1st gives Monday the 3rd, a Sunday last
//    day gives Friday), and `nW` does not fire in a month that has no day n (`31W` in April).
//  - Day-of-week, each standing alone: `L` alone is 7 (Saturday), `nL` the last weekday n of the
//    month (`6L`, `friL`), `n#k` the k-th weekday n of the month, k 1-5 (`2#1`, `MON#1`: the first
//    Monday).
//  - Day-of-month and day-of-week together: when both fields are anything other than a bare `*`,
//    a day matches if EITHER matches (OR, like Vixie cron; saffron's `Cron::contains` and its
//    next-time search both take the union). Note that only a bare `*` counts as unrestricted:
//    `*/1` or `1-7` are restrictions, so `0 0 15 * 1-7` fires every day. When only one of the
//    two is restricted, it alone decides.
//
// Where saffron's code disagrees with its own intent we follow the intent (and Quartz):
//  - its bitmask for wrap-around ranges also sets the value just before the start (`50-10`
//    would include 49, `SAT-SUN` Friday); we do not.
//  - its `contains()` check lets `31W` fire on Friday the 30th of a 30-day month and `L-nW` fire
//    on both sides of a Saturday target; its next-time search (what computes upcoming times)
//    does neither, and we match that. (Which of the two Cloudflare's scheduler consults is not
//    public; both quirks only touch these rare edge cases.)
//
// All times are UTC milliseconds since the epoch; a schedule fires at whole minutes.

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
// The largest time a JavaScript Date can hold.
const MAX_TIME_MS = 8.64e15;
// The Gregorian calendar, weekdays included, repeats every 400 years (146097 days = 20871 weeks),
// so a schedule that has not fired in 400 years of months never will.
const CYCLE_MONTHS = 400 * 12;

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const FIELDS = [
  { label: 'minute', min: 0, max: 59, expected: '0-59', chars: '* , - /' },
  { label: 'hour', min: 0, max: 23, expected: '0-23', chars: '* , - /' },
  { label: 'day-of-month', min: 1, max: 31, expected: '1-31', chars: '* , - / L W' },
  { label: 'month', min: 1, max: 12, expected: '1-12 or JAN-DEC', chars: '* , - /', names: MONTH_NAMES },
  {
    label: 'day-of-week',
    min: 1,
    max: 7,
    expected: '1-7 (1 = Sunday, 7 = Saturday) or SUN-SAT',
    chars: '* , - / L #',
    names: WEEKDAY_NAMES,
  },
];
const [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK] = FIELDS;

/**
 * Thrown by parseCron for an expression Cloudflare would refuse. `expression` is the input and
 * `field` the label of the offending field ('minute', 'hour', 'day-of-month', 'month',
 * 'day-of-week'), or null when the problem is the expression as a whole.
 */
export class CronError extends Error {
  constructor(message, { expression, field = null } = {}) {
    super(message);
    this.name = 'CronError';
    this.expression = expression;
    this.field = field;
  }
}

/**
 * Parses a Cron Trigger expression into a frozen schedule:
 *   { expression, minutes, hours, months,      // sorted arrays of the values that fire
 *     daysOfMonth, daysOfWeek }                 // see below
 * daysOfMonth is one of { type: 'any' } | { type: 'days', days: [1-31...] } |
 *   { type: 'last', offset } (L, L-n) | { type: 'lastWeekday', offset } (LW, L-nW) |
 *   { type: 'nearestWeekday', day } (nW).
 * daysOfWeek is one of { type: 'any' } | { type: 'days', days: [...] } | { type: 'last', weekday }
 *   (nL) | { type: 'nth', weekday, nth } (n#k); weekdays here are 0 = Sunday ... 6 = Saturday,
 *   like Date#getUTCDay (the expression itself uses 1 = Sunday).
 * Throws CronError with a message naming the expression, the field and what was expected.
 */
export function parseCron(expression) {
  if (typeof expression !== 'string') {
    const got = expression === null ? 'null' : typeof expression;
    throw new CronError(`Invalid cron expression: expected a string, got ${got}`, { expression });
  }
  const fail = (detail) => {
    throw new CronError(`Invalid cron expression ${JSON.stringify(expression)}: ${detail}`, { expression });
  };
  const trimmed = expression.trim();
  if (trimmed.startsWith('@')) {
    const macro = trimmed.split(/\s/)[0];
    fail(
      `macros such as "${macro}" are not supported by Cloudflare Cron Triggers; ` +
        'use five fields (minute hour day-of-month month day-of-week)',
    );
  }
  if (trimmed !== '' && trimmed !== expression) {
    fail('unexpected leading or trailing whitespace');
  }
  const other = /[^\S \t]/.exec(expression);
  if (other) {
    fail(`fields must be separated by spaces or tabs, got ${JSON.stringify(other[0])}`);
  }
  const parts = trimmed === '' ? [] : trimmed.split(/[ \t]+/);
  if (parts.length !== 5) {
    let hint = '';
    if (parts.length === 6 || parts.length === 7) {
      hint = ' (Cloudflare does not support a seconds or year field)';
    }
    fail(`expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}${hint}`);
  }
  const [minute, hour, dom, month, dow] = parts;
  const schedule = {
    expression,
    minutes: new FieldParser(expression, MINUTE, minute).parseSimple(),
    hours: new FieldParser(expression, HOUR, hour).parseSimple(),
    daysOfMonth: new FieldParser(expression, DAY_OF_MONTH, dom).parseDayOfMonth(),
    months: new FieldParser(expression, MONTH, month).parseSimple(),
    daysOfWeek: new FieldParser(expression, DAY_OF_WEEK, dow).parseDayOfWeek(),
  };
  Object.freeze(schedule.minutes);
  Object.freeze(schedule.hours);
  Object.freeze(schedule.months);
  if (schedule.daysOfMonth.days) Object.freeze(schedule.daysOfMonth.days);
  if (schedule.daysOfWeek.days) Object.freeze(schedule.daysOfWeek.days);
  Object.freeze(schedule.daysOfMonth);
  Object.freeze(schedule.daysOfWeek);
  return Object.freeze(schedule);
}

/** Reads one field; every error names the field and shows what it got. */
class FieldParser {
  constructor(expression, spec, text) {
    this.expression = expression;
    this.spec = spec;
    this.text = text;
    this.pos = 0;
  }

  fail(detail) {
    throw new CronError(`Invalid cron expression ${JSON.stringify(this.expression)}: ${detail}`, {
      expression: this.expression,
      field: this.spec.label,
    });
  }

  get done() {
    return this.pos >= this.text.length;
  }

  peek() {
    return this.text[this.pos];
  }

  eat(ch) {
    if (this.text[this.pos] !== ch) return false;
    this.pos++;
    return true;
  }

  /** `*` or `*\/n` at the start of a field, then a list tail; or a list. → sorted values */
  parseSimple() {
    const items = [];
    if (this.eat('*')) {
      if (this.done) return range(this.spec.min, this.spec.max);
      items.push(this.parseStarStep());
    } else {
      items.push(this.parseItem(this.readValue()));
    }
    return this.parseTail(items);
  }

  parseDayOfMonth() {
    const { label } = this.spec;
    if (this.eat('*')) {
      if (this.done) return { type: 'any' };
      return { type: 'days', days: this.parseTail([this.parseStarStep()]) };
    }
    if (this.eat('L')) {
      let type = 'last';
      let offset = 0;
      if (this.eat('-')) {
        const digits = this.readDigits();
        if (digits === '') this.fail(`${label}: "L-" must be followed by an offset of 1-30 days, got "${this.text}"`);
        offset = Number(digits);
        if (offset < 1 || offset > 30) this.fail(`${label}: the offset in "L-n" must be 1-30, got "${digits}"`);
      }
      if (this.eat('W')) type = 'lastWeekday';
      this.expectAlone('"L", "L-n", "LW" and "L-nW"');
      return { type, offset };
    }
    const day = this.readValue();
    if (this.peek() === 'L') {
      this.fail(`${label}: "${this.text}" is not valid (the last day of the month is "L", n days before it "L-n")`);
    }
    if (this.eat('W')) {
      this.expectAlone('"nW"');
      return { type: 'nearestWeekday', day };
    }
    return { type: 'days', days: this.parseTail([this.parseItem(day)]) };
  }

  parseDayOfWeek() {
    const { label } = this.spec;
    const toWeekdays = (values) => values.map((v) => v - 1).sort((a, b) => a - b);
    if (this.eat('*')) {
      if (this.done) return { type: 'any' };
      return { type: 'days', days: toWeekdays(this.parseTail([this.parseStarStep()])) };
    }
    if (this.eat('L')) {
      // A lone L in day-of-week is the last day of the week: 7, Saturday (as in Quartz).
      this.expectAlone('"L"');
      return { type: 'days', days: [6] };
    }
    const day = this.readValue();
    if (this.eat('L')) {
      this.expectAlone('"nL"');
      return { type: 'last', weekday: day - 1 };
    }
    if (this.eat('#')) {
      const digits = this.readDigits();
      const nth = Number(digits);
      if (digits === '' || nth < 1 || nth > 5) {
        const got = digits === '' ? this.text : digits;
        this.fail(`${label}: "#" must be followed by 1-5 (which occurrence in the month), got "${got}"`);
      }
      this.expectAlone('"n#k"');
      return { type: 'nth', weekday: day - 1, nth };
    }
    return { type: 'days', days: toWeekdays(this.parseTail([this.parseItem(day)])) };
  }

  /** After a leading `*`: must be `/n`. */
  parseStarStep() {
    if (!this.eat('/')) {
      this.fail(`${this.spec.label}: "*" must stand alone or be followed by "/step", got "${this.text}"`);
    }
    return { start: this.spec.min, end: this.spec.max, step: this.readStep() };
  }

  /** The rest of a single item whose first value is read: `a`, `a-b`, `a/n`, `a-b/n`. */
  parseItem(start) {
    if (this.eat('-')) {
      const end = this.readValue('after "-"');
      const step = this.eat('/') ? this.readStep() : 1;
      return { start, end, step };
    }
    if (this.eat('/')) return { start, end: this.spec.max, step: this.readStep() };
    return { start, end: start, step: 1 };
  }

  /** `,item` repeated to the end of the field; a later item may use `*` for the minimum. */
  parseTail(items) {
    while (this.eat(',')) {
      const start = this.eat('*') ? this.spec.min : this.readValue('after ","');
      items.push(this.parseItem(start));
    }
    if (!this.done) this.unexpected();
    const values = new Set();
    for (const item of items) expandItem(item, this.spec, values);
    return [...values].sort((a, b) => a - b);
  }

  expectAlone(what) {
    if (this.done) return;
    if (',-/'.includes(this.peek())) {
      this.fail(`${this.spec.label}: ${what} must stand alone (no lists, ranges or steps), got "${this.text}"`);
    }
    this.unexpected();
  }

  readDigits() {
    const start = this.pos;
    while (this.pos < this.text.length && isDigit(this.text[this.pos])) this.pos++;
    return this.text.slice(start, this.pos);
  }

  readStep() {
    const { label, min, max } = this.spec;
    const digits = this.readDigits();
    if (digits === '') this.fail(`${label}: expected a step after "/", got "${this.text}"`);
    const step = Number(digits);
    if (step < 1 || step > max - min) this.fail(`${label} step must be 1-${max - min}, got "${digits}"`);
    return step;
  }

  /** A number or (month, day-of-week) a 3-letter name; returns it in cron numbering. */
  readValue(where = '') {
    const { label, min, max, names } = this.spec;
    const ch = this.peek();
    if (ch === undefined) {
      this.fail(`${label}: expected a value ${where || 'here'}, got "${this.text}"`);
    }
    if (isDigit(ch)) {
      const digits = this.readDigits();
      const value = Number(digits);
      if (value < min || value > max) this.outOfRange(digits);
      return value;
    }
    if (ch === '?') {
      this.fail(`${label}: "?" is not supported by Cloudflare Cron Triggers (use "*")`);
    }
    if (!isLetter(ch)) this.unexpected();
    const start = this.pos;
    while (this.pos < this.text.length && isLetter(this.text[this.pos])) this.pos++;
    const word = this.text.slice(start, this.pos);
    const prefix = names ? names.indexOf(word.slice(0, 3).toUpperCase()) : -1;
    if (names) {
      const index = names.indexOf(word.toUpperCase());
      if (index !== -1) return index + 1;
      // A name with the "last" suffix (`FRIL`): take the name, leave the L for the caller.
      if (this.spec === DAY_OF_WEEK && word.length === 4 && word[3] === 'L' && prefix !== -1) {
        this.pos = start + 3;
        return prefix + 1;
      }
    }
    if ((word === 'L' || word === 'W' || word === 'LW') && this.spec.chars.includes(word[0])) {
      this.fail(`${label}: "${word}" cannot be combined with other values, got "${this.text}"`);
    }
    const upper = word.toUpperCase();
    const lowerModifier =
      (this.spec === DAY_OF_MONTH && ['L', 'W', 'LW'].includes(upper)) ||
      (this.spec === DAY_OF_WEEK && (upper === 'L' || (word.length === 4 && word[3] === 'l' && prefix !== -1)));
    if (lowerModifier) this.outOfRange(word, ' ("L" and "W" must be upper case)');
    this.outOfRange(word);
  }

  outOfRange(got, hint = '') {
    const { label, expected } = this.spec;
    if (this.spec === DAY_OF_WEEK && got === '0' && !hint) {
      hint = ' (Cloudflare numbers weekdays from 1 = Sunday; use 1 or SUN for Sunday)';
    }
    this.fail(`${label} must be ${expected}, got "${got}"${hint}`);
  }

  unexpected() {
    const { label, chars } = this.spec;
    const ch = this.peek();
    if (ch === '?') this.fail(`${label}: "?" is not supported by Cloudflare Cron Triggers (use "*")`);
    if ((ch === 'L' || ch === 'W' || ch === '#') && chars.includes(ch)) {
      this.fail(`${label}: "${ch}" cannot be used in a list or range, got "${this.text}"`);
    }
    if ((ch === 'l' || ch === 'w') && chars.includes(ch.toUpperCase())) {
      this.fail(`${label}: unexpected "${ch}" in "${this.text}" ("L" and "W" must be upper case)`);
    }
    const rest = this.text.slice(this.pos);
    this.fail(`${label}: unexpected "${rest}" in "${this.text}" (${label} supports numbers and ${chars})`);
  }
}

/** Adds the values of `start-end/step` to `out`; a range with start > end wraps around. */
function expandItem({ start, end, step }, { min, max }, out) {
  const size = max - min + 1;
  const length = start <= end ? end - start + 1 : max - start + 1 + (end - min + 1);
  for (let i = 0; i < length; i += step) {
    out.add(((start - min + i) % size) + min);
  }
}

function range(from, to) {
  const values = [];
  for (let v = from; v <= to; v++) values.push(v);
  return values;
}

function isDigit(ch) {
  return ch >= '0' && ch <= '9';
}

function isLetter(ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

// ---- evaluation -------------------------------------------------------------------------------

// Lookup tables built from a schedule's public fields (so a structurally equal copy works too).
const compiledCache = new WeakMap();

function compile(schedule) {
  if (typeof schedule === 'string') return buildTables(parseCron(schedule));
  if (schedule === null || typeof schedule !== 'object') {
    throw new TypeError('Expected a schedule from parseCron() or a cron expression string');
  }
  let tables = compiledCache.get(schedule);
  if (!tables) {
    tables = buildTables(schedule);
    compiledCache.set(schedule, tables);
  }
  return tables;
}

function buildTables(schedule) {
  const { minutes, hours, months, daysOfMonth: dom, daysOfWeek: dow } = schedule;
  if (!Array.isArray(minutes) || !Array.isArray(hours) || !Array.isArray(months) || !dom?.type || !dow?.type) {
    throw new TypeError('Expected a schedule from parseCron() or a cron expression string');
  }
  const minuteOk = flags(60, minutes);
  const hourOk = flags(24, hours);
  return {
    minuteOk,
    hourOk,
    monthOk: flags(13, months),
    // next[v] = the first allowed value >= v, or -1 (next[size] is -1 too).
    nextMinute: nextTable(minuteOk),
    nextHour: nextTable(hourOk),
    dom,
    dow,
    domDays: dom.type === 'days' ? flags(32, dom.days) : null,
    dowDays: dow.type === 'days' ? flags(7, dow.days) : null,
    never: false,
  };
}

function flags(size, values) {
  const table = new Uint8Array(size);
  for (const v of values) table[v] = 1;
  return table;
}

function nextTable(ok) {
  const next = new Int8Array(ok.length + 1).fill(-1);
  for (let v = ok.length - 1; v >= 0; v--) next[v] = ok[v] ? v : next[v + 1];
  return next;
}

/**
 * The first whole minute strictly after `afterMs` (ms since the epoch, or a Date) at which the
 * schedule fires, in ms since the epoch (UTC); null if it never fires. Walks month by month and
 * day by day and takes hours and minutes from lookup tables, so it costs at most a few thousand
 * steps even for a schedule that never fires (the calendar repeats every 400 years).
 * `schedule` may also be an expression string.
 */
export function nextFireTime(schedule, afterMs) {
  const t = compile(schedule);
  const after = toTime(afterMs, 'afterMs');
  const start = Math.floor(after / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  if (t.never || start > MAX_TIME_MS) return null;

  let epochDay = Math.floor(start / DAY_MS);
  let { year, month, day } = civilFromDays(epochDay);
  const msOfDay = start - epochDay * DAY_MS;
  let hour = Math.floor(msOfDay / HOUR_MS);
  let minute = Math.floor((msOfDay % HOUR_MS) / MINUTE_MS);

  for (let i = 0; i <= CYCLE_MONTHS; i++) {
    if (t.monthOk[month]) {
      const dim = daysInMonth(year, month);
      const firstWeekday = weekdayOf(daysFromCivil(year, month, 1));
      for (; day <= dim; day++) {
        if (dayMatches(t, day, dim, firstWeekday)) {
          const minuteOfDay = firstTimeOfDay(t, hour, minute);
          if (minuteOfDay !== -1) {
            const result = daysFromCivil(year, month, day) * DAY_MS + minuteOfDay * MINUTE_MS;
            return result > MAX_TIME_MS ? null : result;
          }
        }
        hour = 0;
        minute = 0;
      }
    }
    day = 1;
    hour = 0;
    minute = 0;
    if (++month > 12) {
      month = 1;
      year++;
    }
  }
  // A whole calendar cycle without a match: this schedule can never fire.
  t.never = true;
  return null;
}

/**
 * Whether the schedule fires in the minute containing `timeMs` (ms since the epoch, or a Date).
 * `schedule` may also be an expression string.
 */
export function matches(schedule, timeMs) {
  const t = compile(schedule);
  const time = Math.floor(toTime(timeMs, 'timeMs') / MINUTE_MS) * MINUTE_MS;
  const epochDay = Math.floor(time / DAY_MS);
  const msOfDay = time - epochDay * DAY_MS;
  if (!t.hourOk[Math.floor(msOfDay / HOUR_MS)]) return false;
  if (!t.minuteOk[Math.floor((msOfDay % HOUR_MS) / MINUTE_MS)]) return false;
  const { year, month, day } = civilFromDays(epochDay);
  if (!t.monthOk[month]) return false;
  return dayMatches(t, day, daysInMonth(year, month), weekdayOf(epochDay - (day - 1)));
}

/** The first minute-of-day at or after hour:minute allowed by the hour and minute fields, or -1. */
function firstTimeOfDay(t, hour, minute) {
  let h = t.nextHour[hour];
  if (h === -1) return -1;
  if (h === hour) {
    const m = t.nextMinute[minute];
    if (m !== -1) return h * 60 + m;
    h = t.nextHour[hour + 1];
    if (h === -1) return -1;
  }
  return h * 60 + t.nextMinute[0];
}

// Day-of-month and day-of-week: when both are restricted (anything but a bare `*`) a day matches
// if either does (OR), as Cloudflare's saffron does; when one is `*`, the other decides alone.
function dayMatches(t, day, dim, firstWeekday) {
  const domAny = t.dom.type === 'any';
  const dowAny = t.dow.type === 'any';
  if (domAny && dowAny) return true;
  if (!domAny && domMatches(t, day, dim, firstWeekday)) return true;
  return !dowAny && dowMatches(t, day, dim, firstWeekday);
}

function domMatches(t, day, dim, firstWeekday) {
  const dom = t.dom;
  switch (dom.type) {
    case 'days':
      return t.domDays[day] === 1;
    case 'last':
      return day === dim - dom.offset;
    case 'lastWeekday': {
      const target = dim - dom.offset;
      return target >= 1 && day === nearestWeekday(target, dim, firstWeekday);
    }
    case 'nearestWeekday':
      return dom.day <= dim && day === nearestWeekday(dom.day, dim, firstWeekday);
    default:
      throw new TypeError(`Unknown daysOfMonth type ${JSON.stringify(dom.type)}`);
  }
}

function dowMatches(t, day, dim, firstWeekday) {
  const dow = t.dow;
  const weekday = (firstWeekday + day - 1) % 7;
  switch (dow.type) {
    case 'days':
      return t.dowDays[weekday] === 1;
    case 'last':
      return weekday === dow.weekday && day + 7 > dim;
    case 'nth':
      return weekday === dow.weekday && Math.floor((day - 1) / 7) + 1 === dow.nth;
    default:
      throw new TypeError(`Unknown daysOfWeek type ${JSON.stringify(dow.type)}`);
  }
}

// The Monday-Friday day of the month nearest to `target` without leaving the month (Quartz `W`):
// Saturday → Friday before, or Monday the 3rd when the target is Saturday the 1st;
// Sunday → Monday after, or Friday before when the target is the last day of the month.
function nearestWeekday(target, dim, firstWeekday) {
  const weekday = (firstWeekday + target - 1) % 7;
  if (weekday === 6) return target === 1 ? 3 : target - 1;
  if (weekday === 0) return target === dim ? target - 2 : target + 1;
  return target;
}

function toTime(value, name) {
  const time = value instanceof Date ? value.getTime() : value;
  if (typeof time !== 'number' || !Number.isFinite(time)) {
    throw new TypeError(`${name} must be a finite number of milliseconds since the epoch or a valid Date`);
  }
  return time;
}

function isLeapYear(year) {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year, month) {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

/** 0 = Sunday ... 6 = Saturday for a day number counted from 1970-01-01 (a Thursday). */
function weekdayOf(epochDay) {
  return (((epochDay + 4) % 7) + 7) % 7;
}

// Proleptic Gregorian date <-> days since 1970-01-01, computed over 400-year eras of 146097 days
// with years starting in March (so the leap day is the last day of the year). Exact for any year,
// with none of Date.UTC's special-casing of years 0-99.
function daysFromCivil(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function civilFromDays(epochDay) {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
