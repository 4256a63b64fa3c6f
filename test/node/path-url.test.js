// node:path (POSIX and win32), node:url, node:querystring, node:punycode and
// node:string_decoder, checked against Node's own results for the same inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import nodePath from 'node:path';
import url from 'node:url';
import qs from 'node:querystring';
import { StringDecoder } from 'node:string_decoder';
import { runNodeChecks, value, error } from './node-checks.js';

const PATHS = ['', '/', '//', '/a/b/', 'a/b/../c', '../a/./b', '/a/../../b', 'a//b', '.', '..', 'a.b.c', '.bashrc', 'file.', 'dir/.hidden', 'C:\\', 'C:\\a\\b', 'C:a\\b', '\\\\server\\share\\a', 'a\\b/c', 'D:/x/../y', 'foo\\bar\\baz.tar.gz'];
const FUNCTIONS = ['normalize', 'isAbsolute', 'dirname', 'basename', 'extname', 'parse'];
const ABSOLUTE = { posix: ['/', '/a/b/', '/a/../../b', '/x/y/z.txt', '/a/b/c'], win32: ['C:\\a\\b', '\\\\server\\share\\a', 'C:\\', 'D:/x/../y', 'c:\\A\\b\\c'] };

test('path: the POSIX and Windows functions give Node\'s results; resolve starts from /bundle', async () => {
  const { results } = await runNodeChecks({
    imports: `import path, { join as namedJoin, sep } from 'node:path'; import bare from 'path'; import posix from 'node:path/posix'; import win32, { join as winJoin } from 'node:path/win32';`,
    body: `
      const paths = ${JSON.stringify(PATHS)};
      const fns = ${JSON.stringify(FUNCTIONS)};
      const absolute = ${JSON.stringify(ABSOLUTE)};
      const run = (fn) => { try { return fn(); } catch (e) { return 'threw ' + e.code; } };
      await check('module', () => [bare === path, posix === path, path.posix === path, path.win32 === win32, win32.posix === path, namedJoin === path.join, winJoin === win32.join, sep, win32.sep, path.delimiter, win32.delimiter]);
      await check('posix', () => fns.map((f) => paths.map((p) => run(() => path[f](p)))));
      await check('win32', () => fns.map((f) => paths.map((p) => run(() => win32[f](p)))));
      await check('pairs', () => ['join', 'relative'].map((f) => [absolute.posix.map((a) => absolute.posix.map((b) => run(() => path[f](a, b)))), absolute.win32.map((a) => absolute.win32.map((b) => run(() => win32[f](a, b))))]));
      await check('resolve', () => [path.resolve('x'), path.resolve('/a', 'b', '../c'), path.resolve(), win32.resolve('C:\\\\a', '..\\\\b'), path.relative('x', '/bundle/y')]);
      await check('format', () => [path.format({ root: '/', dir: '/a', base: 'b.txt' }), path.format({ name: 'x', ext: 'js' }), win32.format({ root: 'C:\\\\', name: 'f', ext: '.txt' })]);
      await check('basenameSuffix', () => [path.basename('/a/b.txt', '.txt'), path.basename('/a/b/', 'b'), win32.basename('C:\\\\x\\\\y.js', '.js')]);
      await check('glob', () => [path.matchesGlob('a/b/c.js', '**/*.js'), path.matchesGlob('c.js', '*.ts'), path.matchesGlob('a/x.ts', 'a/*.{js,ts}')]);
      await check('badArg', () => path.join('a', 5));
    `,
  });
  const run = (fn) => { try { return fn(); } catch (e) { return `threw ${e.code}`; } };
  assert.deepEqual(value(results, 'module'), [true, true, true, true, true, true, true, '/', '\\', ':', ';']);
  assert.deepEqual(value(results, 'posix'), FUNCTIONS.map((f) => PATHS.map((p) => run(() => nodePath.posix[f](p)))));
  assert.deepEqual(value(results, 'win32'), FUNCTIONS.map((f) => PATHS.map((p) => run(() => nodePath.win32[f](p)))));
  assert.deepEqual(value(results, 'pairs'), ['join', 'relative'].map((f) => [ABSOLUTE.posix.map((a) => ABSOLUTE.posix.map((b) => run(() => nodePath.posix[f](a, b)))), ABSOLUTE.win32.map((a) => ABSOLUTE.win32.map((b) => run(() => nodePath.win32[f](a, b))))]));
  assert.deepEqual(value(results, 'resolve'), ['/bundle/x', '/a/c', '/bundle', 'C:\\b', '../y']);
  assert.deepEqual(value(results, 'format'), ['/a/b.txt', 'x.js', 'C:\\f.txt']);
  assert.deepEqual(value(results, 'basenameSuffix'), ['b', 'b', 'y']);
  assert.deepEqual(value(results, 'glob'), [true, false, true]);
  assert.equal(error(results, 'badArg').code, 'ERR_INVALID_ARG_TYPE');
});

const URLS = ['http://user:pass@host.com:8080/p/a/t/h?query=string&a=1#hash', '//foo/bar', 'mailto:a@b.com', 'HTTP://EXAMPLE.com/ä?x#y', '/rel/path?x=1', 'http://[::1]:80/x', 'http://a.com/ b', 'https://例え.jp/'];

test('url: the WHATWG globals, the legacy parse/format/resolve, file URLs and domains', async () => {
  const { results } = await runNodeChecks({
    imports: `import url, { URL as U, URLSearchParams as USP, parse, format, resolve, fileURLToPath, pathToFileURL, domainToASCII, domainToUnicode, urlToHttpOptions } from 'node:url'; import bare from 'url';`,
    body: `
      const urls = ${JSON.stringify(URLS)};
      await check('module', () => [bare === url, U === URL, USP === URLSearchParams, url.Url !== undefined]);
      await check('parse', () => urls.map((u) => JSON.parse(JSON.stringify(parse(u)))));
      await check('parseQuery', () => parse('http://x.com/?a=1&a=2&b=c', true).query);
      await check('format', () => [...urls.map((u) => format(parse(u))), format({ protocol: 'https', hostname: 'x.com', pathname: '/a', query: { b: 1, c: ['x', 'y'] } }), format(new URL('https://u:p@x.com/a?b#c'), { auth: false, fragment: false, search: false }), format(new URL('https://xn--r8jz45g.jp/p'), { unicode: true })]);
      await check('resolve', () => [resolve('http://a.com/b/c', '../d'), resolve('/one/two/three', 'four'), resolve('http://example.com/', '/one'), resolve('http://example.com/one', '//other.org/x')]);
      await check('files', () => [fileURLToPath('file:///a/b%20c'), fileURLToPath(new URL('file:///x/y')), pathToFileURL('/a b#c?d').href, pathToFileURL('rel/').href, fileURLToPath('file:///C:/x/y.txt', { windows: true }), pathToFileURL('C:\\\\x\\\\y z', { windows: true }).href]);
      await check('notFile', () => fileURLToPath('https://x.com/'));
      await check('hostFile', () => fileURLToPath('file://host/a'));
      await check('encodedSlash', () => fileURLToPath('file:///a%2Fb'));
      await check('domains', () => [domainToASCII('español.com'), domainToUnicode('xn--espaol-zwa.com'), domainToASCII('xn--iñvalid.com'), domainToASCII('')]);
      await check('httpOptions', () => urlToHttpOptions(new URL('https://a:b@[::1]:8080/p?q=1#h')));
    `,
  });
  assert.deepEqual(value(results, 'module'), [true, true, true, true]);
  assert.deepEqual(value(results, 'parse'), URLS.map((u) => JSON.parse(JSON.stringify(url.parse(u)))));
  assert.deepEqual(value(results, 'parseQuery'), { a: ['1', '2'], b: 'c' });
  assert.deepEqual(value(results, 'format'), [
    ...URLS.map((u) => url.format(url.parse(u))),
    url.format({ protocol: 'https', hostname: 'x.com', pathname: '/a', query: { b: 1, c: ['x', 'y'] } }),
    url.format(new URL('https://u:p@x.com/a?b#c'), { auth: false, fragment: false, search: false }),
    url.format(new URL('https://xn--r8jz45g.jp/p'), { unicode: true }),
  ]);
  assert.deepEqual(value(results, 'resolve'), [url.resolve('http://a.com/b/c', '../d'), url.resolve('/one/two/three', 'four'), url.resolve('http://example.com/', '/one'), url.resolve('http://example.com/one', '//other.org/x')]);
  assert.deepEqual(value(results, 'files'), ['/a/b c', '/x/y', 'file:///a%20b%23c%3Fd', 'file:///bundle/rel/', 'C:\\x\\y.txt', url.pathToFileURL('C:\\x\\y z', { windows: true }).href]);
  assert.equal(error(results, 'notFile').code, 'ERR_INVALID_URL_SCHEME');
  assert.equal(error(results, 'hostFile').code, 'ERR_INVALID_FILE_URL_HOST');
  assert.equal(error(results, 'encodedSlash').code, 'ERR_INVALID_FILE_URL_PATH');
  assert.deepEqual(value(results, 'domains'), [url.domainToASCII('español.com'), url.domainToUnicode('xn--espaol-zwa.com'), url.domainToASCII('xn--iñvalid.com'), '']);
  const expected = url.urlToHttpOptions(new URL('https://a:b@[::1]:8080/p?q=1#h'));
  assert.deepEqual(value(results, 'httpOptions'), JSON.parse(JSON.stringify({ ...expected })));
});

const QS = ['a=1&b=2', 'a=1&a=2&a=3', 'a+b=c+d', 'x=%E4%BD%A0', 'bad=%E4%BD', 'k', '=v', '&&a=1&&', 'a=%zz', 'a[]=1&a[]=2', ''];
const OBJECTS = `[{ a: 1, b: 'x y', c: [1, 2], d: true, e: null, f: undefined, g: NaN, h: 1n, i: Infinity, 'k y': "!*()'" }, { a: [] }, { u: 'ü€𝄞' }]`;

test('querystring and punycode give Node\'s results', async () => {
  const { results } = await runNodeChecks({
    imports: `import qs, { parse, stringify, escape, unescape, decode, encode, unescapeBuffer } from 'node:querystring'; import punycode from 'node:punycode'; import { toASCII } from 'punycode';`,
    body: `
      await check('parse', () => ${JSON.stringify(QS)}.map((s) => ({ ...parse(s) })));
      await check('nullProto', () => Object.getPrototypeOf(parse('a=1')) === null);
      await check('options', () => [{ ...parse('a:1;b:2', ';', ':') }, { ...parse('a=1&b=2&c=3', null, null, { maxKeys: 2 }) }, { ...parse('a=%41', null, null, { decodeURIComponent: (s) => s.toLowerCase() }) }]);
      await check('stringify', () => [...${OBJECTS}.map((o) => stringify(o)), stringify({ a: 1, b: 2 }, ';', ':'), stringify('nope'), stringify({ a: 'x y' }, null, null, { encodeURIComponent: (s) => s.toUpperCase() })]);
      await check('escaping', () => [escape('a b&c/ü'), unescape('a%20b%zz'), Array.from(unescapeBuffer('a%20b+c%zz')), decode === parse, encode === stringify, qs.parse === parse]);
      await check('punycode', () => [punycode.encode('mañana'), punycode.decode('maana-pta'), punycode.toASCII('mañana.com'), punycode.toUnicode('xn--maana-pta.com'), toASCII === punycode.toASCII, punycode.ucs2.decode('😀'), typeof punycode.version]);
    `,
  });
  assert.deepEqual(value(results, 'parse'), QS.map((s) => ({ ...qs.parse(s) })));
  assert.equal(value(results, 'nullProto'), true);
  assert.deepEqual(value(results, 'options'), [{ ...qs.parse('a:1;b:2', ';', ':') }, { ...qs.parse('a=1&b=2&c=3', null, null, { maxKeys: 2 }) }, { a: '%41' }]);
  assert.deepEqual(value(results, 'stringify'), [...new Function(`return ${OBJECTS}`)().map((o) => qs.stringify(o)), qs.stringify({ a: 1, b: 2 }, ';', ':'), '', 'A=X Y']);
  assert.deepEqual(value(results, 'escaping'), [qs.escape('a b&c/ü'), qs.unescape('a%20b%zz'), Array.from(qs.unescapeBuffer('a%20b+c%zz')), true, true, true]);
  assert.deepEqual(value(results, 'punycode'), ['maana-pta', 'mañana', 'xn--maana-pta.com', 'mañana.com', true, [128512], 'string']);
});

test('string_decoder keeps characters whole across writes, in every encoding', async () => {
  const CHUNKS = [[0xe2], [0x82, 0xac, 0x41], [0xf0, 0x9f], [0x98, 0x80], [0xff, 0x41], [0xe2, 0x82]];
  const ENCODINGS = ['utf8', 'utf16le', 'base64', 'base64url', 'hex', 'latin1', 'ascii'];
  const { results } = await runNodeChecks({
    imports: `import { StringDecoder } from 'node:string_decoder'; import bare from 'string_decoder';`,
    body: `
      const chunks = ${JSON.stringify(CHUNKS)};
      await check('decode', () => ${JSON.stringify(ENCODINGS)}.map((e) => { const d = new StringDecoder(e); return [...chunks.map((c) => d.write(Buffer.from(c))), d.end(), d.encoding]; }));
      await check('module', () => [bare.StringDecoder === StringDecoder, new StringDecoder().encoding, new StringDecoder('UTF-8').encoding, new StringDecoder('ucs2').encoding, new StringDecoder('binary').encoding]);
      await check('state', () => { const d = new StringDecoder('utf8'); d.write(Buffer.from([0xe2])); return [d.lastNeed, d.lastTotal, d.write('str'), d.end(Buffer.from([0x82, 0xac]))]; });
      await check('unknown', () => new StringDecoder('nope'));
      await check('badInput', () => new StringDecoder().write(5));
    `,
  });
  assert.deepEqual(value(results, 'decode'), ENCODINGS.map((e) => {
    const d = new StringDecoder(e);
    return [...CHUNKS.map((c) => d.write(Buffer.from(c))), d.end(), d.encoding];
  }));
  assert.deepEqual(value(results, 'module'), [true, 'utf8', 'utf8', 'utf16le', 'latin1']);
  assert.deepEqual(value(results, 'state'), [2, 3, 'str', '€']);
  assert.equal(error(results, 'unknown').code, 'ERR_UNKNOWN_ENCODING');
  assert.equal(error(results, 'badInput').code, 'ERR_INVALID_ARG_TYPE');
});
