import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CronError, matches, nextFireTime, parseCron } from '../../src/scheduler/cron.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** '2024-02-29 12:00' (UTC) → ms since the epoch. */
function utc(text) {
  const ms = Date.parse(`${text.replace(' ', 'T')}Z`);
  assert.ok(Number.isFinite(ms), `bad test date ${text}`);
  return ms;
}

/** ms → '2024-02-29 12:00' (UTC), or null. */
function fmt(ms) {
  return ms === null ? null : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** The first `count` fire times strictly after `from`, formatted. */
function fires(expression, from, count) {
  const schedule = parseCron(expression);
  const out = [];
  let t = utc(from);
  for (let i = 0; i < count; i++) {
    t = nextFireTime(schedule, t);
    out.push(fmt(t));
    if (t === null) break;
  }
  return out;
}

/** Days in [from, to] (dates) on which `0 0 <dom> <month> <dow>` fires, formatted as dates. */
function firingDays(expression, from, to) {
  const schedule = parseCron(expression);
  const out = [];
  for (let t = utc(`${from} 00:00`); t <= utc(`${to} 00:00`); t += DAY) {
    if (matches(schedule, t)) out.push(fmt(t).slice(0, 10));
  }
  return out;
}

function expectCronError(expression, message, field) {
  assert.throws(
    () => parseCron(expression),
    (err) => {
      assert.ok(err instanceof CronError, `expected a CronError, got ${err}`);
      assert.equal(err.name, 'CronError');
      assert.equal(err.message, message);
      assert.equal(err.expression, expression);
      if (field !== undefined) assert.equal(err.field, field);
      return true;
    },
  );
}

describe('parseCron: fields, lists, ranges and steps', () => {
  test('* in every field', () => {
    const s = parseCron('* * * * *');
    assert.equal(s.minutes.length, 60);
    assert.equal(s.hours.length, 24);
    assert.deepEqual(s.months, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(s.daysOfMonth, { type: 'any' });
    assert.deepEqual(s.daysOfWeek, { type: 'any' });
    assert.equal(s.expression, '* * * * *');
  });

  test('single values, lists and ranges', () => {
    const s = parseCron('0,15,30 9-17 1,15-16 1-3,12 2');
    assert.deepEqual(s.minutes, [0, 15, 30]);
    assert.deepEqual(s.hours, [9, 10, 11, 12, 13, 14, 15, 16, 17]);
    assert.deepEqual(s.daysOfMonth, { type: 'days', days: [1, 15, 16] });
    assert.deepEqual(s.months, [1, 2, 3, 12]);
    assert.deepEqual(s.daysOfWeek, { type: 'days', days: [1] }); // 2 = Monday = getUTCDay() 1
  });

  test('field limits are inclusive', () => {
    const s = parseCron('0,59 0,23 1,31 1,12 1,7');
    assert.deepEqual(s.minutes, [0, 59]);
    assert.deepEqual(s.hours, [0, 23]);
    assert.deepEqual(s.daysOfMonth.days, [1, 31]);
    assert.deepEqual(s.months, [1, 12]);
    assert.deepEqual(s.daysOfWeek.days, [0, 6]);
  });

  test('steps: */n, a/n and a-b/n', () => {
    assert.deepEqual(parseCron('*/15 * * * *').minutes, [0, 15, 30, 45]);
    assert.deepEqual(parseCron('5/20 * * * *').minutes, [5, 25, 45]);
    assert.deepEqual(parseCron('10-30/10 * * * *').minutes, [10, 20, 30]);
    assert.deepEqual(parseCron('10-35/10 * * * *').minutes, [10, 20, 30]);
    assert.deepEqual(parseCron('* */7 * * *').hours, [0, 7, 14, 21]);
    assert.deepEqual(parseCron('* * */10 * *').daysOfMonth.days, [1, 11, 21, 31]);
    assert.deepEqual(parseCron('* * * */4 *').months, [1, 5, 9]);
    assert.deepEqual(parseCron('* * * 2/5 *').months, [2, 7, 12]);
    // day-of-week steps count from 1 = Sunday: 1, 3, 5, 7 = Sun, Tue, Thu, Sat
    assert.deepEqual(parseCron('* * * * */2').daysOfWeek.days, [0, 2, 4, 6]);
    assert.deepEqual(parseCron('* * * * 2-6/2').daysOfWeek.days, [1, 3, 5]);
    assert.deepEqual(parseCron('*/15,30-59/10 * * * *').minutes, [0, 15, 30, 40, 45, 50]);
  });

  test('largest steps are accepted: max - min per field', () => {
    assert.deepEqual(parseCron('*/59 * * * *').minutes, [0, 59]);
    assert.deepEqual(parseCron('* */23 * * *').hours, [0, 23]);
    assert.deepEqual(parseCron('* * */30 * *').daysOfMonth.days, [1, 31]);
    assert.deepEqual(parseCron('* * * */11 *').months, [1, 12]);
    assert.deepEqual(parseCron('* * * * */6').daysOfWeek.days, [0, 6]);
    assert.deepEqual(parseCron('* * * * 1/1').daysOfWeek.days, [0, 1, 2, 3, 4, 5, 6]);
  });

  test('ranges whose start is after their end wrap around', () => {
    const s = parseCron('50-10 22-2 30-2 NOV-FEB SAT-MON');
    assert.deepEqual(s.minutes, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
    assert.ok(!s.minutes.includes(49), 'the value before the start is not included');
    assert.deepEqual(s.hours, [0, 1, 2, 22, 23]);
    assert.deepEqual(s.daysOfMonth.days, [1, 2, 30, 31]);
    assert.deepEqual(s.months, [1, 2, 11, 12]);
    assert.deepEqual(s.daysOfWeek.days, [0, 1, 6]); // Sat, Sun, Mon — not Friday
    assert.deepEqual(parseCron('0 20-4/2 * * *').hours, [0, 2, 4, 20, 22]);
    assert.deepEqual(parseCron('0 0 * * 6-2/2').daysOfWeek.days, [0, 5]); // Fri, Sun
  });

  test('a degenerate range or step is its single value', () => {
    assert.deepEqual(parseCron('5-5 0-0/3 23-23 8-8 *').minutes, [5]);
    assert.deepEqual(parseCron('59/3 * * * *').minutes, [59]);
  });

  test('leading zeros are accepted', () => {
    const s = parseCron('05 007 01 09 02');
    assert.deepEqual([s.minutes, s.hours, s.daysOfMonth.days, s.months, s.daysOfWeek.days], [[5], [7], [1], [9], [1]]);
  });

  test('later list items may use * for the field minimum (as Cloudflare does)', () => {
    assert.deepEqual(parseCron('5,* * * * *').minutes, [0, 5]);
    assert.deepEqual(parseCron('5,*/20 * * * *').minutes, [0, 5, 20, 40]);
    assert.deepEqual(parseCron('0 10,*-2 * * *').hours, [0, 1, 2, 10]);
    assert.deepEqual(parseCron('0 0 15,* * *').daysOfMonth.days, [1, 15]);
    assert.deepEqual(parseCron('0 0 * * MON,*').daysOfWeek.days, [0, 1]);
  });

  test('tabs and runs of spaces separate fields', () => {
    assert.deepEqual(parseCron('0\t12   *  *\t\t*').hours, [12]);
  });

  test('the schedule is frozen', () => {
    const s = parseCron('0 12 1-5 * MON');
    assert.ok(Object.isFrozen(s));
    assert.ok(Object.isFrozen(s.minutes));
    assert.ok(Object.isFrozen(s.daysOfMonth.days));
    assert.ok(Object.isFrozen(s.daysOfWeek));
  });
});

describe('parseCron: names and weekday numbering', () => {
  test('month names, any case, in lists, ranges and steps', () => {
    assert.deepEqual(parseCron('* * * jan,Feb,MAR *').months, [1, 2, 3]);
    assert.deepEqual(parseCron('* * * apr-JUN *').months, [4, 5, 6]);
    assert.deepEqual(parseCron('* * * sEp-dec *').months, [9, 10, 11, 12]);
    assert.deepEqual(parseCron('* * * JAN-DEC/4 *').months, [1, 5, 9]);
    assert.deepEqual(parseCron('* * * FEB/5 *').months, [2, 7, 12]);
    assert.deepEqual(parseCron('* * * 1,MAR,6,SEP,12 *').months, [1, 3, 6, 9, 12]);
    const names = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
    names.forEach((name, i) => assert.deepEqual(parseCron(`* * * ${name.toLowerCase()} *`).months, [i + 1]));
  });

  test('weekday numbers run 1 = Sunday to 7 = Saturday, matching SUN-SAT', () => {
    const names = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
    names.forEach((name, i) => {
      assert.deepEqual(parseCron(`* * * * ${i + 1}`).daysOfWeek.days, [i], `${i + 1}`);
      assert.deepEqual(parseCron(`* * * * ${name}`).daysOfWeek.days, [i], name);
      assert.deepEqual(parseCron(`* * * * ${name.toLowerCase()}`).daysOfWeek.days, [i], name.toLowerCase());
    });
  });

  test("Cloudflare's documented examples", () => {
    // "0 17 * * sun or 0 17 * * 1: 17:00 (UTC) on Sunday"
    assert.deepEqual(parseCron('0 17 * * sun'), { ...parseCron('0 17 * * 1'), expression: '0 17 * * sun' });
    assert.deepEqual(fires('0 17 * * 1', '2024-01-01 00:00', 2), ['2024-01-07 17:00', '2024-01-14 17:00']);
    // "10 7 * * mon-fri or 10 7 * * 2-6: 07:10 (UTC) on weekdays"
    assert.deepEqual(parseCron('10 7 * * mon-fri').daysOfWeek, parseCron('10 7 * * 2-6').daysOfWeek);
    assert.deepEqual(parseCron('10 7 * * 2-6').daysOfWeek.days, [1, 2, 3, 4, 5]);
    // "0 18 * * 6L or 0 18 * * friL: 18:00 (UTC) on the last Friday of the month"
    assert.deepEqual(parseCron('0 18 * * 6L').daysOfWeek, { type: 'last', weekday: 5 });
    assert.deepEqual(parseCron('0 18 * * friL').daysOfWeek, { type: 'last', weekday: 5 });
    // "*/3 * * * *", "0 15 1 * *", "59 23 LW * *" from the wrangler example
    assert.deepEqual(fires('*/3 * * * *', '2024-01-01 00:00', 2), ['2024-01-01 00:03', '2024-01-01 00:06']);
    assert.deepEqual(fires('0 15 1 * *', '2024-01-01 15:00', 1), ['2024-02-01 15:00']);
    assert.deepEqual(fires('59 23 LW * *', '2024-01-01 00:00', 3), ['2024-01-31 23:59', '2024-02-29 23:59', '2024-03-29 23:59']);
  });
});

describe('parseCron: invalid expressions', () => {
  const E = (expr, detail) => `Invalid cron expression ${JSON.stringify(expr)}: ${detail}`;
  const DOW = '1-7 (1 = Sunday, 7 = Saturday) or SUN-SAT';

  test('values out of range, per field', () => {
    expectCronError('61 * * * *', E('61 * * * *', 'minute must be 0-59, got "61"'), 'minute');
    expectCronError('60 * * * *', E('60 * * * *', 'minute must be 0-59, got "60"'), 'minute');
    expectCronError('0-60 * * * *', E('0-60 * * * *', 'minute must be 0-59, got "60"'), 'minute');
    expectCronError('* 24 * * *', E('* 24 * * *', 'hour must be 0-23, got "24"'), 'hour');
    expectCronError('* * 0 * *', E('* * 0 * *', 'day-of-month must be 1-31, got "0"'), 'day-of-month');
    expectCronError('* * 32 * *', E('* * 32 * *', 'day-of-month must be 1-31, got "32"'), 'day-of-month');
    expectCronError('* * 1-32 * *', E('* * 1-32 * *', 'day-of-month must be 1-31, got "32"'), 'day-of-month');
    expectCronError('* * * 0 *', E('* * * 0 *', 'month must be 1-12 or JAN-DEC, got "0"'), 'month');
    expectCronError('* * * 13 *', E('* * * 13 *', 'month must be 1-12 or JAN-DEC, got "13"'), 'month');
    expectCronError('* * * * 8', E('* * * * 8', `day-of-week must be ${DOW}, got "8"`), 'day-of-week');
    expectCronError('1 2 3 4 99999999999999999999', E('1 2 3 4 99999999999999999999', `day-of-week must be ${DOW}, got "99999999999999999999"`));
  });

  test('0 is not Sunday on Cloudflare', () => {
    const hint = ' (Cloudflare numbers weekdays from 1 = Sunday; use 1 or SUN for Sunday)';
    expectCronError('0 0 * * 0', E('0 0 * * 0', `day-of-week must be ${DOW}, got "0"${hint}`), 'day-of-week');
    expectCronError('0 0 * * 0-6', E('0 0 * * 0-6', `day-of-week must be ${DOW}, got "0"${hint}`));
    expectCronError('0 0 * * 0L', E('0 0 * * 0L', `day-of-week must be ${DOW}, got "0"${hint}`));
  });

  test('unknown or misplaced names', () => {
    expectCronError('* * * JANUARY *', E('* * * JANUARY *', 'month must be 1-12 or JAN-DEC, got "JANUARY"'), 'month');
    expectCronError('* * * * SUNDAY', E('* * * * SUNDAY', `day-of-week must be ${DOW}, got "SUNDAY"`));
    expectCronError('* * * * MON-FRY', E('* * * * MON-FRY', `day-of-week must be ${DOW}, got "FRY"`));
    expectCronError('* MON * * *', E('* MON * * *', 'hour must be 0-23, got "MON"'), 'hour');
    expectCronError('* * JAN * *', E('* * JAN * *', 'day-of-month must be 1-31, got "JAN"'), 'day-of-month');
    expectCronError('* * * MON *', E('* * * MON *', 'month must be 1-12 or JAN-DEC, got "MON"'), 'month');
    expectCronError('* * * * JAN', E('* * * * JAN', `day-of-week must be ${DOW}, got "JAN"`), 'day-of-week');
  });

  test('bad steps', () => {
    expectCronError('*/0 * * * *', E('*/0 * * * *', 'minute step must be 1-59, got "0"'), 'minute');
    expectCronError('*/60 * * * *', E('*/60 * * * *', 'minute step must be 1-59, got "60"'));
    expectCronError('0-30/0 * * * *', E('0-30/0 * * * *', 'minute step must be 1-59, got "0"'));
    expectCronError('* */24 * * *', E('* */24 * * *', 'hour step must be 1-23, got "24"'), 'hour');
    expectCronError('* * */31 * *', E('* * */31 * *', 'day-of-month step must be 1-30, got "31"'));
    expectCronError('* * * */12 *', E('* * * */12 *', 'month step must be 1-11, got "12"'), 'month');
    expectCronError('* * * * */7', E('* * * * */7', 'day-of-week step must be 1-6, got "7"'), 'day-of-week');
    expectCronError('*/ * * * *', E('*/ * * * *', 'minute: expected a step after "/", got "*/"'));
    expectCronError('5/x * * * *', E('5/x * * * *', 'minute: expected a step after "/", got "5/x"'));
    expectCronError('* * * JAN/FEB *', E('* * * JAN/FEB *', 'month: expected a step after "/", got "JAN/FEB"'));
  });

  test('malformed lists, ranges and stars', () => {
    expectCronError('*,5 * * * *', E('*,5 * * * *', 'minute: "*" must stand alone or be followed by "/step", got "*,5"'));
    expectCronError('*-5 * * * *', E('*-5 * * * *', 'minute: "*" must stand alone or be followed by "/step", got "*-5"'));
    expectCronError('** * * * *', E('** * * * *', 'minute: "*" must stand alone or be followed by "/step", got "**"'));
    expectCronError('1- * * * *', E('1- * * * *', 'minute: expected a value after "-", got "1-"'));
    expectCronError('1, * * * *', E('1, * * * *', 'minute: expected a value after ",", got "1,"'));
    expectCronError(',1 * * * *', E(',1 * * * *', 'minute: unexpected ",1" in ",1" (minute supports numbers and * , - /)'));
    expectCronError('1,,2 * * * *', E('1,,2 * * * *', 'minute: unexpected ",2" in "1,,2" (minute supports numbers and * , - /)'));
    expectCronError('1-2-3 * * * *', E('1-2-3 * * * *', 'minute: unexpected "-3" in "1-2-3" (minute supports numbers and * , - /)'));
    expectCronError('1-* * * * *', E('1-* * * * *', 'minute: unexpected "*" in "1-*" (minute supports numbers and * , - /)'));
    expectCronError('-5 * * * *', E('-5 * * * *', 'minute: unexpected "-5" in "-5" (minute supports numbers and * , - /)'));
    expectCronError('1.5 * * * *', E('1.5 * * * *', 'minute: unexpected ".5" in "1.5" (minute supports numbers and * , - /)'));
  });

  test('L, W and # where they are not allowed or misused', () => {
    expectCronError('5L * * * *', E('5L * * * *', 'minute: unexpected "L" in "5L" (minute supports numbers and * , - /)'), 'minute');
    expectCronError('* L * * *', E('* L * * *', 'hour must be 0-23, got "L"'), 'hour');
    expectCronError('* * * L *', E('* * * L *', 'month must be 1-12 or JAN-DEC, got "L"'), 'month');
    expectCronError('* * 1#2 * *', E('* * 1#2 * *', 'day-of-month: unexpected "#2" in "1#2" (day-of-month supports numbers and * , - / L W)'));
    expectCronError('* * 5L * *', E('* * 5L * *', 'day-of-month: "5L" is not valid (the last day of the month is "L", n days before it "L-n")'));
    expectCronError('* * * * 5W', E('* * * * 5W', 'day-of-week: unexpected "W" in "5W" (day-of-week supports numbers and * , - / L #)'));
    expectCronError('* * * * LW', E('* * * * LW', 'day-of-week: unexpected "W" in "LW" (day-of-week supports numbers and * , - / L #)'));
    expectCronError('* * L,5 * *', E('* * L,5 * *', 'day-of-month: "L", "L-n", "LW" and "L-nW" must stand alone (no lists, ranges or steps), got "L,5"'));
    expectCronError('* * LW-3 * *', E('* * LW-3 * *', 'day-of-month: "L", "L-n", "LW" and "L-nW" must stand alone (no lists, ranges or steps), got "LW-3"'));
    expectCronError('* * 5,L * *', E('* * 5,L * *', 'day-of-month: "L" cannot be combined with other values, got "5,L"'));
    expectCronError('* * 15W,20 * *', E('* * 15W,20 * *', 'day-of-month: "nW" must stand alone (no lists, ranges or steps), got "15W,20"'));
    expectCronError('* * 1,15W * *', E('* * 1,15W * *', 'day-of-month: "W" cannot be used in a list or range, got "1,15W"'));
    expectCronError('* * 1-5W * *', E('* * 1-5W * *', 'day-of-month: "W" cannot be used in a list or range, got "1-5W"'));
    expectCronError('* * W * *', E('* * W * *', 'day-of-month: "W" cannot be combined with other values, got "W"'));
    expectCronError('* * 0W * *', E('* * 0W * *', 'day-of-month must be 1-31, got "0"'));
    expectCronError('* * 32W * *', E('* * 32W * *', 'day-of-month must be 1-31, got "32"'));
    expectCronError('* * L-0 * *', E('* * L-0 * *', 'day-of-month: the offset in "L-n" must be 1-30, got "0"'));
    expectCronError('* * L-31 * *', E('* * L-31 * *', 'day-of-month: the offset in "L-n" must be 1-30, got "31"'));
    expectCronError('* * L-31W * *', E('* * L-31W * *', 'day-of-month: the offset in "L-n" must be 1-30, got "31"'));
    expectCronError('* * L- * *', E('* * L- * *', 'day-of-month: "L-" must be followed by an offset of 1-30 days, got "L-"'));
    expectCronError('* * * * L,2', E('* * * * L,2', 'day-of-week: "L" must stand alone (no lists, ranges or steps), got "L,2"'));
    expectCronError('* * * * 6L,2', E('* * * * 6L,2', 'day-of-week: "nL" must stand alone (no lists, ranges or steps), got "6L,2"'));
    expectCronError('* * * * 2,6L', E('* * * * 2,6L', 'day-of-week: "L" cannot be used in a list or range, got "2,6L"'));
    expectCronError('* * * * MON#1,FRI', E('* * * * MON#1,FRI', 'day-of-week: "n#k" must stand alone (no lists, ranges or steps), got "MON#1,FRI"'));
    expectCronError('* * * * 2-3#1', E('* * * * 2-3#1', 'day-of-week: "#" cannot be used in a list or range, got "2-3#1"'));
    expectCronError('* * * * MON#0', E('* * * * MON#0', 'day-of-week: "#" must be followed by 1-5 (which occurrence in the month), got "0"'));
    expectCronError('* * * * MON#6', E('* * * * MON#6', 'day-of-week: "#" must be followed by 1-5 (which occurrence in the month), got "6"'));
    expectCronError('* * * * MON#', E('* * * * MON#', 'day-of-week: "#" must be followed by 1-5 (which occurrence in the month), got "MON#"'));
    expectCronError('* * * * 8#1', E('* * * * 8#1', `day-of-week must be ${DOW}, got "8"`));
  });

  test('L and W are upper case only', () => {
    const hint = ' ("L" and "W" must be upper case)';
    expectCronError('* * l * *', E('* * l * *', `day-of-month must be 1-31, got "l"${hint}`));
    expectCronError('* * lw * *', E('* * lw * *', `day-of-month must be 1-31, got "lw"${hint}`));
    expectCronError('* * 15w * *', E('* * 15w * *', `day-of-month: unexpected "w" in "15w"${hint}`));
    expectCronError('* * * * fril', E('* * * * fril', `day-of-week must be ${DOW}, got "fril"${hint}`));
    expectCronError('* * * * 6l', E('* * * * 6l', `day-of-week: unexpected "l" in "6l"${hint}`));
  });

  test('? is not supported', () => {
    const msg = (expr, field) => E(expr, `${field}: "?" is not supported by Cloudflare Cron Triggers (use "*")`);
    expectCronError('0 0 ? * MON', msg('0 0 ? * MON', 'day-of-month'), 'day-of-month');
    expectCronError('0 0 1 * ?', msg('0 0 1 * ?', 'day-of-week'), 'day-of-week');
    expectCronError('0 0 1,? * *', msg('0 0 1,? * *', 'day-of-month'));
    expectCronError('? * * * *', msg('? * * * *', 'minute'));
  });

  test('wrong number of fields, seconds, years and macros', () => {
    const five = 'expected 5 fields (minute hour day-of-month month day-of-week)';
    expectCronError('* * * *', E('* * * *', `${five}, got 4`), null);
    expectCronError('*', E('*', `${five}, got 1`));
    expectCronError('', E('', `${five}, got 0`));
    expectCronError('   ', E('   ', `${five}, got 0`));
    const extra = ' (Cloudflare does not support a seconds or year field)';
    expectCronError('0 * * * * *', E('0 * * * * *', `${five}, got 6${extra}`));
    expectCronError('0 0 12 * * ? 2025', E('0 0 12 * * ? 2025', `${five}, got 7${extra}`));
    expectCronError('0 0 1 1 * * * *', E('0 0 1 1 * * * *', `${five}, got 8`));
    for (const macro of ['@daily', '@hourly', '@weekly', '@monthly', '@yearly', '@annually', '@midnight', '@reboot', '@every 5m']) {
      const name = macro.split(' ')[0];
      expectCronError(macro, E(macro, `macros such as "${name}" are not supported by Cloudflare Cron Triggers; use five fields (minute hour day-of-month month day-of-week)`));
    }
  });

  test('whitespace', () => {
    expectCronError(' * * * * *', E(' * * * * *', 'unexpected leading or trailing whitespace'));
    expectCronError('* * * * * ', E('* * * * * ', 'unexpected leading or trailing whitespace'));
    expectCronError('* * * * *\n', E('* * * * *\n', 'unexpected leading or trailing whitespace'));
    expectCronError('* *\n* * *', E('* *\n* * *', 'fields must be separated by spaces or tabs, got "\\n"'));
    expectCronError('*\u00a0* * * *', E('*\u00a0* * * *', 'fields must be separated by spaces or tabs, got "\u00a0"'));
  });

  test('not a string', () => {
    for (const [value, type] of [[undefined, 'undefined'], [null, 'null'], [5, 'number'], [['* * * * *'], 'object']]) {
      assert.throws(() => parseCron(value), {
        name: 'CronError',
        message: `Invalid cron expression: expected a string, got ${type}`,
      });
    }
  });
});

describe('nextFireTime', () => {
  test('is strictly after the given time and on a whole minute', () => {
    const s = parseCron('*/5 * * * *');
    assert.equal(fmt(nextFireTime(s, utc('2024-01-01 00:00'))), '2024-01-01 00:05');
    assert.equal(fmt(nextFireTime(s, utc('2024-01-01 00:04'))), '2024-01-01 00:05');
    assert.equal(nextFireTime(s, utc('2024-01-01 00:04') + 59_999), utc('2024-01-01 00:05'));
    assert.equal(nextFireTime(s, utc('2024-01-01 00:05') - 1), utc('2024-01-01 00:05'));
    assert.equal(nextFireTime(s, utc('2024-01-01 00:05') + 1), utc('2024-01-01 00:10'));
    assert.equal(nextFireTime(parseCron('* * * * *'), utc('2024-01-01 00:00') + 30_000), utc('2024-01-01 00:01'));
    assert.equal(nextFireTime(s, new Date(utc('2024-01-01 00:00'))), utc('2024-01-01 00:05'));
  });

  test('rolls over hours, days, months and years', () => {
    assert.deepEqual(fires('59 23 31 12 *', '2023-12-31 23:59', 2), ['2024-12-31 23:59', '2025-12-31 23:59']);
    assert.deepEqual(fires('0 0 1 1 *', '2023-12-31 23:59', 1), ['2024-01-01 00:00']);
    assert.deepEqual(fires('30 * * * *', '2024-12-31 23:30', 1), ['2025-01-01 00:30']);
    assert.deepEqual(fires('0 9 * * *', '2024-03-31 09:00', 2), ['2024-04-01 09:00', '2024-04-02 09:00']);
    assert.deepEqual(fires('15,45 9-10 * * *', '2024-01-01 10:45', 3), ['2024-01-02 09:15', '2024-01-02 09:45', '2024-01-02 10:15']);
    assert.deepEqual(fires('0 0 * JAN,JUL *', '2024-01-31 00:00', 1), ['2024-07-01 00:00']);
  });

  test('leap years: 0 0 29 2 *', () => {
    assert.deepEqual(fires('0 0 29 2 *', '2021-03-01 00:00', 3), ['2024-02-29 00:00', '2028-02-29 00:00', '2032-02-29 00:00']);
    // 2100 is not a leap year, 2000 was
    assert.deepEqual(fires('0 0 29 2 *', '2096-03-01 00:00', 1), ['2104-02-29 00:00']);
    assert.deepEqual(fires('0 0 29 2 *', '1996-03-01 00:00', 1), ['2000-02-29 00:00']);
    assert.deepEqual(fires('0 0 L FEB *', '2099-12-31 00:00', 2), ['2100-02-28 00:00', '2101-02-28 00:00']);
    assert.deepEqual(fires('0 0 L 2 *', '2024-01-01 00:00', 2), ['2024-02-29 00:00', '2025-02-28 00:00']);
  });

  test('schedules that can never fire return null, quickly', () => {
    const never = ['0 0 30 2 *', '0 0 31 2 *', '0 0 31 4,6,9,11 *', '0 0 30,31 FEB *', '0 0 31W 4 *', '0 0 30W 2 *', '0 0 L-29 2 *', '0 0 L-30 FEB,APR *', '0 0 L-29W 2 *'];
    for (const expression of never) {
      const schedule = parseCron(expression);
      const started = performance.now();
      assert.equal(nextFireTime(schedule, utc('2024-01-01 00:00')), null, expression);
      assert.equal(nextFireTime(schedule, utc('1970-01-01 00:00')), null, expression);
      assert.ok(performance.now() - started < 250, `${expression} took too long`);
    }
  });

  test('rare schedules are found by skipping, not scanning', () => {
    // The fifth Sunday of February needs a leap year starting on a Sunday: 2004, then 2032.
    const started = performance.now();
    assert.deepEqual(fires('0 0 * 2 SUN#5', '2004-03-01 00:00', 2), ['2032-02-29 00:00', '2060-02-29 00:00']);
    assert.deepEqual(fires('59 23 29 2 MON', '2024-03-01 00:00', 1), ['2025-02-03 23:59']);
    assert.ok(performance.now() - started < 100);
  });

  test('accepts an expression string instead of a schedule', () => {
    assert.equal(nextFireTime('0 12 * * *', utc('2024-01-01 00:00')), utc('2024-01-01 12:00'));
    assert.throws(() => nextFireTime('0 12 * * 0', 0), CronError);
  });

  test('rejects bad arguments', () => {
    const s = parseCron('* * * * *');
    for (const bad of [NaN, Infinity, '2024-01-01', undefined, new Date('nope')]) {
      assert.throws(() => nextFireTime(s, bad), TypeError);
    }
    assert.throws(() => nextFireTime(null, 0), TypeError);
    assert.throws(() => nextFireTime({}, 0), TypeError);
    assert.throws(() => matches(s, NaN), TypeError);
  });

  test('works before 1970 and near the end of the Date range', () => {
    assert.deepEqual(fires('0 0 29 2 *', '1899-01-01 00:00', 1), ['1904-02-29 00:00']);
    assert.equal(nextFireTime(parseCron('* * * * *'), 8.64e15), null);
    assert.equal(nextFireTime(parseCron('* * * * *'), 8.64e15 - MINUTE), 8.64e15);
  });
});

describe('matches', () => {
  test('checks every field and ignores seconds', () => {
    const s = parseCron('30 14 * * *');
    assert.equal(matches(s, utc('2024-05-05 14:30')), true);
    assert.equal(matches(s, utc('2024-05-05 14:30') + 59_999), true);
    assert.equal(matches(s, utc('2024-05-05 14:31')), false);
    assert.equal(matches(s, utc('2024-05-05 15:30')), false);
    assert.equal(matches(parseCron('* * * MAR *'), utc('2024-03-31 23:59')), true);
    assert.equal(matches(parseCron('* * * MAR *'), utc('2024-04-01 00:00')), false);
    assert.equal(matches('0 0 1 1 *', utc('2025-01-01 00:00')), true);
  });

  test('a structurally equal copy of a schedule works too', () => {
    const copy = JSON.parse(JSON.stringify(parseCron('0 12 LW * *')));
    assert.equal(matches(copy, utc('2024-08-30 12:00')), true);
    assert.equal(fmt(nextFireTime(copy, utc('2024-08-01 00:00'))), '2024-08-30 12:00');
  });
});

describe('day-of-month: L, LW, L-n, L-nW, W', () => {
  test('L is the last day of each month', () => {
    assert.deepEqual(fires('0 12 L * *', '2023-12-31 12:00', 5), [
      '2024-01-31 12:00',
      '2024-02-29 12:00',
      '2024-03-31 12:00',
      '2024-04-30 12:00',
      '2024-05-31 12:00',
    ]);
  });

  test('L-n counts back from the last day', () => {
    assert.deepEqual(fires('0 0 L-1 2 *', '2023-01-01 00:00', 2), ['2023-02-27 00:00', '2024-02-28 00:00']);
    assert.deepEqual(fires('0 0 L-3 * *', '2024-04-01 00:00', 2), ['2024-04-27 00:00', '2024-05-28 00:00']);
    // L-30 is the 1st of a 31-day month and never happens in shorter months
    assert.deepEqual(fires('0 0 L-30 * *', '2024-01-01 00:00', 4), ['2024-03-01 00:00', '2024-05-01 00:00', '2024-07-01 00:00', '2024-08-01 00:00']);
  });

  test('LW is the last weekday of the month', () => {
    assert.deepEqual(firingDays('0 0 LW MAY *', '2025-05-01', '2025-05-31'), ['2025-05-30']); // 31st is a Saturday
    assert.deepEqual(firingDays('0 0 LW MAY *', '2020-05-01', '2020-05-31'), ['2020-05-29']); // 31st is a Sunday
    assert.deepEqual(firingDays('0 0 LW MAY *', '2021-05-01', '2021-05-31'), ['2021-05-31']); // 31st is a Monday
    assert.deepEqual(fires('59 23 LW * *', '2024-06-01 00:00', 3), ['2024-06-28 23:59', '2024-07-31 23:59', '2024-08-30 23:59']);
  });

  test('L-nW is the weekday nearest to n days before the last day', () => {
    assert.deepEqual(firingDays('0 0 L-1W MAY *', '2025-05-01', '2025-05-31'), ['2025-05-30']); // 30th is a Friday
    assert.deepEqual(firingDays('0 0 L-1W MAY *', '2021-05-01', '2021-05-31'), ['2021-05-31']); // Sunday 30th → Monday
    assert.deepEqual(firingDays('0 0 L-1W MAY *', '2020-05-01', '2020-05-31'), ['2020-05-29']); // Saturday 30th → Friday
    // Saturday 28 Dec 2024 → Friday 27th only (not also Monday 30th)
    assert.deepEqual(firingDays('0 0 L-3W DEC *', '2024-12-01', '2024-12-31'), ['2024-12-27']);
    // L-28W in February: day 1 in leap years only; Saturday 1 Feb 2020 → Monday the 3rd
    assert.deepEqual(fires('0 0 L-28W 2 *', '2019-01-01 00:00', 3), ['2020-02-03 00:00', '2024-02-01 00:00', '2028-02-01 00:00']);
  });

  test('nW: nearest weekday, never leaving the month', () => {
    // 1st is a Saturday → Monday the 3rd (not Friday of the previous month)
    assert.deepEqual(firingDays('0 0 1W * *', '2021-04-25', '2021-05-10'), ['2021-05-03']);
    // 1st is a Sunday → Monday the 2nd; 1st is a Friday → the 1st
    assert.deepEqual(firingDays('0 0 1W * *', '2022-05-01', '2022-05-10'), ['2022-05-02']);
    assert.deepEqual(firingDays('0 0 1W * *', '2020-05-01', '2020-05-10'), ['2020-05-01']);
    // 15th Saturday → Friday 14th; 15th Sunday → Monday 16th; weekday → itself
    assert.deepEqual(firingDays('0 0 15W * *', '2024-06-01', '2024-06-30'), ['2024-06-14']);
    assert.deepEqual(firingDays('0 0 15W * *', '2024-09-01', '2024-09-30'), ['2024-09-16']);
    assert.deepEqual(firingDays('0 0 15W * *', '2024-05-01', '2024-05-31'), ['2024-05-15']);
    // 31st Sunday (last day) → Friday 29th; 31st Saturday → Friday 30th
    assert.deepEqual(firingDays('0 0 31W * *', '2024-03-01', '2024-03-31'), ['2024-03-29']);
    assert.deepEqual(firingDays('0 0 31W * *', '2024-08-01', '2024-08-31'), ['2024-08-30']);
    // 30th Sunday and the last day of June → Friday 28th
    assert.deepEqual(firingDays('0 0 30W * *', '2024-06-01', '2024-06-30'), ['2024-06-28']);
    // 31W does not fire in a 30-day month, even when the 30th is a Friday
    assert.deepEqual(firingDays('0 0 31W * *', '2023-06-01', '2023-06-30'), []);
    assert.deepEqual(fires('0 0 31W * *', '2023-06-01 00:00', 1), ['2023-07-31 00:00']);
    assert.deepEqual(fires('0 0 31W 4,5 *', '2024-04-01 00:00', 1), ['2024-05-31 00:00']);
    // 29W in February: leap years only
    assert.deepEqual(fires('0 0 29W 2 *', '2021-01-01 00:00', 2), ['2024-02-29 00:00', '2028-02-29 00:00']);
  });
});

describe('day-of-week: L, nL, #', () => {
  test('nL is the last such weekday of the month', () => {
    assert.deepEqual(fires('0 18 * * 6L', '2024-01-01 00:00', 4), ['2024-01-26 18:00', '2024-02-23 18:00', '2024-03-29 18:00', '2024-04-26 18:00']);
    assert.deepEqual(fires('0 18 * * friL', '2024-01-01 00:00', 4), fires('0 18 * * 6L', '2024-01-01 00:00', 4));
    assert.deepEqual(fires('0 0 * * 7L', '2020-01-01 00:00', 5), ['2020-01-25 00:00', '2020-02-29 00:00', '2020-03-28 00:00', '2020-04-25 00:00', '2020-05-30 00:00']);
    assert.deepEqual(fires('0 0 * * SUNL', '2024-03-01 00:00', 1), ['2024-03-31 00:00']);
  });

  test('a lone L in day-of-week is Saturday', () => {
    assert.deepEqual(parseCron('0 0 * * L').daysOfWeek, { type: 'days', days: [6] });
    assert.deepEqual(fires('0 0 * * L', '2024-01-01 00:00', 2), ['2024-01-06 00:00', '2024-01-13 00:00']);
  });

  test('n#k is the k-th such weekday of the month', () => {
    assert.deepEqual(parseCron('0 8 * * 2#1').daysOfWeek, { type: 'nth', weekday: 1, nth: 1 });
    assert.deepEqual(parseCron('0 8 * * MON#1').daysOfWeek, parseCron('0 8 * * 2#1').daysOfWeek);
    assert.deepEqual(fires('0 8 * * 2#1', '2023-12-31 00:00', 3), ['2024-01-01 08:00', '2024-02-05 08:00', '2024-03-04 08:00']);
    assert.deepEqual(fires('0 8 * * 1#2', '2024-01-01 00:00', 2), ['2024-01-14 08:00', '2024-02-11 08:00']);
    assert.deepEqual(fires('0 0 * * SAT#5', '2020-01-01 00:00', 4), ['2020-02-29 00:00', '2020-05-30 00:00', '2020-08-29 00:00', '2020-10-31 00:00']);
  });
});

describe('day-of-month combined with day-of-week', () => {
  test('both restricted: either may match (OR)', () => {
    assert.deepEqual(fires('0 0 13 * FRI', '2024-09-01 00:00', 8), [
      '2024-09-06 00:00',
      '2024-09-13 00:00',
      '2024-09-20 00:00',
      '2024-09-27 00:00',
      '2024-10-04 00:00',
      '2024-10-11 00:00',
      '2024-10-13 00:00', // a Sunday: the 13th
      '2024-10-18 00:00',
    ]);
    assert.deepEqual(firingDays('0 0 L * 2#1', '2024-01-01', '2024-02-29'), ['2024-01-01', '2024-01-31', '2024-02-05', '2024-02-29']);
    assert.deepEqual(firingDays('0 0 1W * 6L', '2021-05-01', '2021-05-31'), ['2021-05-03', '2021-05-28']);
  });

  test('only a bare * is unrestricted: */1 and 1-7 still take part in the OR', () => {
    assert.equal(firingDays('0 0 15 * 1-7', '2024-01-01', '2024-01-31').length, 31);
    assert.equal(firingDays('0 0 */1 * MON', '2024-01-01', '2024-01-31').length, 31);
    assert.deepEqual(firingDays('0 0 */10 * SUN', '2024-01-01', '2024-01-31'), ['2024-01-01', '2024-01-07', '2024-01-11', '2024-01-14', '2024-01-21', '2024-01-28', '2024-01-31']);
  });

  test('one restricted: it alone decides', () => {
    assert.deepEqual(firingDays('0 0 * * MON', '2024-01-01', '2024-01-31'), ['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22', '2024-01-29']);
    assert.deepEqual(firingDays('0 0 1,15 * *', '2024-01-01', '2024-01-31'), ['2024-01-01', '2024-01-15']);
  });

  test('month restricts both', () => {
    assert.deepEqual(firingDays('0 0 1 FEB MON', '2024-01-01', '2024-03-31'), ['2024-02-01', '2024-02-05', '2024-02-12', '2024-02-19', '2024-02-26']);
  });
});

describe('day rules against an independent calendar oracle, 2000-2030', () => {
  // Straightforward definitions using Date, independent of the module's arithmetic.
  const dateOf = (y, m, d) => new Date(Date.UTC(y, m - 1, d));
  const dim = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  const weekday = (y, m, d) => dateOf(y, m, d).getUTCDay();
  const isWorkday = (y, m, d) => weekday(y, m, d) >= 1 && weekday(y, m, d) <= 5;
  // The Monday-Friday day of this month closest to `target`.
  const nearestWorkday = (y, m, target) => {
    let best = null;
    for (let d = 1; d <= dim(y, m); d++) {
      if (isWorkday(y, m, d) && (best === null || Math.abs(d - target) < Math.abs(best - target))) best = d;
    }
    return best;
  };
  const occurrence = (y, m, d) => {
    let n = 0;
    for (let x = 1; x <= d; x++) if (weekday(y, m, x) === weekday(y, m, d)) n++;
    return n;
  };
  const isLastOccurrence = (y, m, d) => d + 7 > dim(y, m);

  const cases = [
    ['L', (y, m, d) => d === dim(y, m)],
    ['L-2', (y, m, d) => d === dim(y, m) - 2],
    ['L-29', (y, m, d) => d === dim(y, m) - 29],
    ['LW', (y, m, d) => d === Math.max(...Array.from({ length: dim(y, m) }, (_, i) => i + 1).filter((x) => isWorkday(y, m, x)))],
    ...[1, 2, 3, 8, 15, 16, 28, 29, 30, 31].map((n) => [`${n}W`, (y, m, d) => n <= dim(y, m) && d === nearestWorkday(y, m, n)]),
    ...[1, 2, 3, 5, 14, 27].map((n) => [`L-${n}W`, (y, m, d) => d === nearestWorkday(y, m, dim(y, m) - n)]),
  ];
  const dowCases = [
    ...[1, 2, 3, 4, 5, 6, 7].map((w) => [`* * ${w}L`, (y, m, d) => weekday(y, m, d) === w - 1 && isLastOccurrence(y, m, d)]),
    ...[1, 4, 7].flatMap((w) => [1, 2, 3, 4, 5].map((k) => [`* * ${w}#${k}`, (y, m, d) => weekday(y, m, d) === w - 1 && occurrence(y, m, d) === k])),
    ['L * 2#1', (y, m, d) => d === dim(y, m) || (weekday(y, m, d) === 1 && occurrence(y, m, d) === 1)],
    ['15W * 6L', (y, m, d) => d === nearestWorkday(y, m, 15) || (weekday(y, m, d) === 5 && isLastOccurrence(y, m, d))],
  ];

  const check = (expression, oracle) => {
    const schedule = parseCron(expression);
    for (let y = 2000; y <= 2030; y++) {
      for (let m = 1; m <= 12; m++) {
        for (let d = 1; d <= dim(y, m); d++) {
          const t = Date.UTC(y, m - 1, d);
          assert.equal(matches(schedule, t), oracle(y, m, d), `${expression} on ${y}-${m}-${d}`);
        }
      }
    }
  };

  for (const [dom, oracle] of cases) {
    test(`day-of-month ${dom}`, () => check(`0 0 ${dom} * *`, oracle));
  }
  for (const [rest, oracle] of dowCases) {
    test(`day-of-month/day-of-week "${rest}"`, () => check(`0 0 ${rest}`, oracle));
  }
});

describe('nextFireTime agrees with a minute-by-minute scan over two years', () => {
  const EXPRESSIONS = [
    '* * * * *',
    '*/7 * * * *',
    '5/20 */3 * * *',
    '0 0 * * *',
    '59 23 * * *',
    '15,45 9-17 * * MON-FRI',
    '0 12 L * *',
    '0 0 L-3 * *',
    '30 6 LW * *',
    '0 0 L-2W * *',
    '0 0 1W * *',
    '0 0 15W * *',
    '0 0 31W * *',
    '0 9 30W * *',
    '0 18 * * 6L',
    '0 0 * * 7L',
    '0 8 * * MON#1',
    '0 0 * * SAT#5',
    '0 0 13 * FRI',
    '0 0 1,15 * MON',
    '0 0 */10 * 2-3',
    '0 0 L * SUN',
    '0 0 LW * 1#1',
    '0 0 29 2 *',
    '0 0 L FEB *',
    '50-10 22-2 * * *',
    '0 20-4/2 * * *',
    '0 0 31-2 NOV-FEB *',
    '0 0 * * SAT-MON',
    '0 0 * * 6-2/2',
    '5,*/20 * * JAN,jul *',
    '0 0 * */5 *',
    '0 0 1-7 * L',
    '0 0 31 * *',
    '0 0 L-30 * *',
    '0 0 30 2 *',
  ];
  const START = utc('2023-11-15 13:37');
  const END = START + 2 * 365 * DAY + DAY; // includes 29 Feb 2024

  // Deterministic pseudo-random numbers for the spot checks.
  let seed = 12345;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };

  for (const expression of EXPRESSIONS) {
    test(expression, () => {
      const schedule = parseCron(expression);
      const naive = [];
      for (let t = START; t < END; t += MINUTE) {
        if (matches(schedule, t)) naive.push(t);
      }
      // Chained nextFireTime over the window gives exactly the same minutes.
      let index = 0;
      for (let t = nextFireTime(schedule, START - 1); t !== null && t < END; t = nextFireTime(schedule, t)) {
        assert.equal(fmt(t), fmt(naive[index] ?? null), `${expression}: fire #${index}`);
        index++;
      }
      assert.equal(index, naive.length, `${expression}: number of fire times`);
      // From arbitrary instants (including mid-minute), the answer is the first scanned match after.
      for (let i = 0; i < 300; i++) {
        const after = START + Math.floor(random() * (END - START - 40 * DAY));
        let lo = 0;
        let hi = naive.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (naive[mid] <= after) lo = mid + 1;
          else hi = mid;
        }
        const next = nextFireTime(schedule, after);
        if (lo < naive.length) {
          assert.equal(fmt(next), fmt(naive[lo]), `${expression} after ${new Date(after).toISOString()}`);
        } else {
          assert.ok(next === null || next >= END, `${expression} after ${new Date(after).toISOString()}`);
        }
      }
    });
  }
});
