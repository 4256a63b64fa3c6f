import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertTypeError } from './run-checks.js';

const parts = (u) => `[u.href, u.origin, u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash]`;

let results;
before(async () => {
  ({ results } = await runChecks(`
    const parts = (u) => ${parts()};
    await check('components', () => parts(new URL('HTTPS://user:pa%20ss@EXAMPLE.com:8443/a/../b/./c?x=1&y=%41#frag')));
    await check('defaultPort', () => parts(new URL('http://example.com:80/')));
    await check('relative', () => [new URL('../d?q', 'http://h/a/b/c').href, new URL('//other/x', 'https://h/').href, new URL('?z', new URL('http://h/p?q#f')).href]);
    await check('idna', () => new URL('http://Bücher.example/').hostname);
    await check('invalid', () => new URL('not a url'));
    await check('invalidBase', () => new URL('/x', 'also not'));
    await check('noArgs', () => new URL());
    await check('canParse', () => [URL.canParse('http://x'), URL.canParse('x'), URL.canParse('x', 'http://h/'), URL.parse('nope'), URL.parse('/a', 'http://h/b').href]);
    await check('stringify', () => { const u = new URL('http://h/p'); return [String(u), u.toJSON(), JSON.stringify({ u })]; });
    await check('setters', () => {
      const u = new URL('http://h/p?q#f');
      u.protocol = 'https';
      u.username = 'me';
      u.password = 'secret';
      u.host = 'example.org:81';
      u.pathname = '/a b';
      u.search = 'x=1';
      u.hash = 'top';
      const a = u.href;
      u.hostname = 'other';
      u.port = '';
      u.port = 'bogus';
      return [a, u.href];
    });
    await check('hrefSetter', () => { const u = new URL('http://h/'); u.href = 'https://x/y?z=1'; return [u.host, u.search, u.searchParams.get('z')]; });
    await check('hrefSetterInvalid', () => { new URL('http://h/').href = 'nope'; });
    await check('searchParamsSync', () => {
      const u = new URL('http://h/p?a=1&b=2#f');
      const p = u.searchParams;
      p.append('c', 'x y&z');
      const afterAppend = u.href;
      u.search = '?d=4';
      const afterSearch = [p.get('d'), p.has('a'), u.searchParams === p];
      p.delete('d');
      return [afterAppend, afterSearch, u.href];
    });
    await check('queryKeepsQuestionMark', () => new URL('http://h/??a=1').searchParams.get('?a'));
    await check('urlencodedSerialisation', () => { const u = new URL('http://h/'); u.searchParams.set('k', "a+b c/é~*'()!"); return u.search; });

    await check('paramsString', () => [...new URLSearchParams('?a=1&b=x+y&c=%20%zz&&d&=e&a=2')]);
    await check('paramsUtf8', () => [...new URLSearchParams('q=%E2%82%AC&bad=%FF')]);
    await check('paramsSequence', () => [...new URLSearchParams([['a', '1'], ['b', '2']])]);
    await check('paramsBadSequence', () => new URLSearchParams([['a', '1', '2']]));
    await check('paramsRecord', () => [...new URLSearchParams({ b: 2, a: 'x', [Symbol('s')]: 1 })]);
    await check('paramsFromParams', () => new URLSearchParams(new URLSearchParams('a=1&a=2')).getAll('a'));
    await check('paramsMethods', () => {
      const p = new URLSearchParams('a=1&b=2&a=3');
      const r = [p.get('a'), p.getAll('a'), p.get('zz'), p.has('b'), p.has('a', '3'), p.has('a', '4'), p.size];
      p.set('a', '9');
      r.push(p.toString());
      p.append('b', '5');
      p.delete('b', '2');
      r.push(p.toString());
      p.delete('b');
      r.push(p.toString(), p.size);
      return r;
    });
    await check('paramsSort', () => { const p = new URLSearchParams('z=1&a=2&\\u{1F600}=3&\\uFB03=4&a=1&z=0'); p.sort(); return [...p.keys()].map((k) => k.codePointAt(0).toString(16)); });
    await check('paramsSortStable', () => { const p = new URLSearchParams('b=1&a=2&b=0&a=1'); p.sort(); return p.toString(); });
    await check('paramsIteration', () => {
      const p = new URLSearchParams('a=1&b=2');
      const seen = [];
      p.forEach((v, k, obj) => seen.push([k, v, obj === p]));
      const it = p.keys();
      it.next();
      p.append('c', '3');
      return [seen, [...p.values()], [...p.entries()], [...it], Object.prototype.toString.call(it)];
    });
    await check('paramsToStringEscapes', () => new URLSearchParams({ 'a b': 'c&d=e', x: '\\u00e9+' }).toString());
    await check('loneSurrogates', () => new URLSearchParams({ a: '\\ud800' }).toString());
    await check('punycodeLabels', () => [
      URL.canParse('http://xn--/'),
      URL.canParse('https://shop.xn--q/'),
      URL.canParse('https://xn--ab-/'),
      URL.canParse('https://xn--ab$c/'),
      new URL('https://XN--Bcher-kva.example/').hostname,
      new URL('foo://xn--q/').hostname,
    ]);
    await check('punycodeBase', () => new URL('https://ok.example/', 'https://xn--q/'));
    await check('punycodeHref', () => { new URL('https://ok.example/').href = 'https://xn--ab-/'; });
    await check('punycodeSetters', () => {
      const u = new URL('https://ok.example:8443/');
      u.host = 'xn--q:1';
      u.hostname = 'xn--ab-';
      const unchanged = u.host;
      u.hostname = 'xn--bcher-kva';
      return [unchanged, u.host];
    });
    await check('paramsRecordSameKeys', () => [...new URLSearchParams({ 'k\\ud800': '1', other: '2', 'k\\udbff': '3' })]);
    await check('names', () => [URL.name, URLSearchParams.name, Object.prototype.toString.call(new URL('http://h')), Object.prototype.toString.call(new URLSearchParams())]);
  `));
});

test('exposes the parsed components', () => {
  assert.deepEqual(value(results, 'components'), [
    'https://user:pa%20ss@example.com:8443/b/c?x=1&y=%41#frag', 'https://example.com:8443', 'https:', 'user', 'pa%20ss',
    'example.com:8443', 'example.com', '8443', '/b/c', '?x=1&y=%41', '#frag',
  ]);
  assert.deepEqual(value(results, 'defaultPort'), ['http://example.com/', 'http://example.com', 'http:', '', '', 'example.com', 'example.com', '', '/', '', '']);
  assert.equal(value(results, 'idna'), 'xn--bcher-kva.example');
});

test('resolves against a base', () => {
  assert.deepEqual(value(results, 'relative'), ['http://h/a/d?q', 'https://other/x', 'http://h/p?z']);
});

test('rejects invalid URLs with TypeError', () => {
  assertTypeError(results, 'invalid');
  assertTypeError(results, 'invalidBase');
  assertTypeError(results, 'noArgs');
  assertTypeError(results, 'hrefSetterInvalid');
});

test('domains with Punycode labels that do not decode to a valid label are invalid', () => {
  assert.deepEqual(value(results, 'punycodeLabels'), [false, false, false, false, 'xn--bcher-kva.example', 'xn--q']);
  assertTypeError(results, 'punycodeBase');
  assertTypeError(results, 'punycodeHref');
  assert.deepEqual(value(results, 'punycodeSetters'), ['ok.example:8443', 'xn--bcher-kva:8443']);
});

test('canParse and parse', () => {
  assert.deepEqual(value(results, 'canParse'), [true, false, true, null, 'http://h/a']);
});

test('serialises with toString and toJSON', () => {
  assert.deepEqual(value(results, 'stringify'), ['http://h/p', 'http://h/p', '{"u":"http://h/p"}']);
});

test('setters update the URL', () => {
  assert.deepEqual(value(results, 'setters'), ['https://me:secret@example.org:81/a%20b?x=1#top', 'https://me:secret@other/a%20b?x=1#top']);
  assert.deepEqual(value(results, 'hrefSetter'), ['x', '?z=1', '1']);
});

test('searchParams stays in sync with the URL both ways', () => {
  assert.deepEqual(value(results, 'searchParamsSync'), [
    'http://h/p?a=1&b=2&c=x+y%26z#f',
    ['4', false, true],
    'http://h/p#f',
  ]);
  assert.equal(value(results, 'queryKeepsQuestionMark'), '1');
  assert.equal(value(results, 'urlencodedSerialisation'), '?k=a%2Bb+c%2F%C3%A9%7E*%27%28%29%21');
});

test('URLSearchParams parses application/x-www-form-urlencoded', () => {
  assert.deepEqual(value(results, 'paramsString'), [['a', '1'], ['b', 'x y'], ['c', ' %zz'], ['d', ''], ['', 'e'], ['a', '2']]);
  assert.deepEqual(value(results, 'paramsUtf8'), [['q', '€'], ['bad', '\ufffd']]);
});

test('URLSearchParams takes sequences, records and other params', () => {
  assert.deepEqual(value(results, 'paramsSequence'), [['a', '1'], ['b', '2']]);
  assertTypeError(results, 'paramsBadSequence');
  assert.deepEqual(value(results, 'paramsRecord'), [['b', '2'], ['a', 'x']]);
  assert.deepEqual(value(results, 'paramsFromParams'), ['1', '2']);
});

test('a record whose keys become equal as USVStrings keeps the first place and the last value', () => {
  assert.deepEqual(value(results, 'paramsRecordSameKeys'), [['k\ufffd', '3'], ['other', '2']]);
});

test('URLSearchParams methods', () => {
  assert.deepEqual(value(results, 'paramsMethods'), ['1', ['1', '3'], null, true, true, false, 3, 'a=9&b=2', 'a=9&b=5', 'a=9', 1]);
});

test('sort is stable and compares code units', () => {
  assert.deepEqual(value(results, 'paramsSort'), ['61', '61', '7a', '7a', '1f600', 'fb03']);
  assert.equal(value(results, 'paramsSortStable'), 'a=2&a=1&b=1&b=0');
});

test('URLSearchParams iteration', () => {
  assert.deepEqual(value(results, 'paramsIteration'), [
    [['a', '1', true], ['b', '2', true]],
    ['1', '2', '3'],
    [['a', '1'], ['b', '2'], ['c', '3']],
    ['b', 'c'],
    '[object URLSearchParams Iterator]',
  ]);
});

test('URLSearchParams serialisation escapes', () => {
  assert.equal(value(results, 'paramsToStringEscapes'), 'a+b=c%26d%3De&x=%C3%A9%2B');
  assert.equal(value(results, 'loneSurrogates'), 'a=%EF%BF%BD');
});

test('names', () => {
  assert.deepEqual(value(results, 'names'), ['URL', 'URLSearchParams', '[object URL]', '[object URLSearchParams]']);
});

test('url_standard: URLs are parsed and serialised as the WHATWG URL Standard says', async () => {
  const { results } = await runChecks(`
    await check('standard', () => [
      new URL('https://a.com/b/../c d?x y#z').href, new URL('HTTPS://EX.com:443/').href, new URL('http://a/%2e%2E/b').href,
      new URL('http://ä.com').hostname, new URL('http://[0:0::1]:80/').host, new URL('http://0x7f.1/').hostname,
    ]);
  `);
  assert.deepEqual(value(results, 'standard'), ['https://a.com/c%20d?x%20y#z', 'https://ex.com/', 'http://a/b', 'xn--4ca.com', '[::1]', '127.0.0.1']);
});
