// Where `outpost serve` keeps each worker warm: homes by rendezvous hashing, and heat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Placement, Heat, ANCHOR_INDEX, COOL_MS } from '../../src/platform/placement.js';

const NAMES = Array.from({ length: 2000 }, (_, i) => `worker-${i}`);

test('every process computes the same home for a worker, and the homes are spread evenly', () => {
  const views = [0, 1, 2, 3].map((index) => new Placement(index, 4));
  const perProcess = [0, 0, 0, 0];
  for (const name of NAMES) {
    const homes = views.map((view) => view.home(name, false));
    assert.equal(new Set(homes).size, 1, `${name} has homes ${homes}`);
    perProcess[homes[0]] += 1;
    assert.equal(views.filter((view) => view.isHome(name, false)).length, 1);
  }
  // 500 each on average; a fair hash stays well within 20% of it.
  for (const count of perProcess) assert.ok(count > 400 && count < 600, `uneven: ${perProcess}`);
});

test('when a process goes, only its workers move, and they come back when it returns', () => {
  const placement = new Placement(0, 4);
  const before = new Map(NAMES.map((name) => [name, placement.home(name, false)]));
  placement.setLive([0, 1, 3]);
  for (const name of NAMES) {
    const home = placement.home(name, false);
    assert.notEqual(home, 2);
    if (before.get(name) !== 2) assert.equal(home, before.get(name), `${name} moved though its home stayed up`);
  }
  placement.setLive([0, 1, 2, 3]);
  for (const name of NAMES) assert.equal(placement.home(name, false), before.get(name));
});

test('workers with Durable Objects are at home in the anchor', () => {
  const placement = new Placement(1, 4);
  for (const name of NAMES.slice(0, 50)) assert.equal(placement.home(name, true), ANCHOR_INDEX);
});

test('a process that is alone is the home of everything', () => {
  const placement = new Placement(2, 3);
  placement.setLive([2]);
  for (const name of NAMES.slice(0, 50)) assert.ok(placement.isHome(name, false));
});

test('a worker is hot past the threshold within one second, and cools after COOL_MS', () => {
  const heat = new Heat(5);
  // Five a second, for a long time: never hot.
  for (let i = 0; i < 50; i++) assert.equal(heat.note('steady', i * 200), false);
  // Six within a second: hot, from the sixth on.
  const start = 100_000;
  const answers = Array.from({ length: 6 }, (_, i) => heat.note('burst', start + i * 10));
  assert.deepEqual(answers, [false, false, false, false, false, true]);
  assert.equal(heat.isHot('burst', start + COOL_MS - 1), true);
  assert.equal(heat.isHot('burst', start + 50 + COOL_MS), false);
  // Quiet workers are forgotten; hot ones are not.
  heat.note('fresh', start + 2 * COOL_MS);
  heat.sweep(start + 2 * COOL_MS + 1);
  assert.deepEqual([...heat.windows.keys()].sort(), ['fresh']);
});

test('a threshold of 0 makes every forwarded worker hot at once', () => {
  const heat = new Heat(0);
  assert.equal(heat.note('any', 1), true);
});
