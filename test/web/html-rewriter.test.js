// HTMLRewriter: handlers, the Element/EndTag/Text/Comment/Doctype/DocumentEnd APIs, selectors,
// tokenizing edge cases, async handlers, errors and streaming, all in real worker isolates.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../helpers/worker.js';
import { runChecks, value, error, assertTypeError } from './run-checks.js';

const SELECTOR_DOC = `<div id="root" class="box main">
  <p id="p1" class="a b" lang="en-US" data-x="Hello World">one</p>
  <p id="p2" class="b">two</p>
  <span id="s1" title="foo bar">s</span>
  <p id="p3" data-x="hello">three</p>
  <section id="sec"><p id="p4">four</p><div id="inner"><em id="em1">e</em></div></section>
</div>
<ul id="list"><li id="l1">a</li><li id="l2">b</li><li id="l3">c</li><li id="l4">d</li></ul>`;

const SELECTORS = {
  '*': ['root', 'p1', 'p2', 's1', 'p3', 'sec', 'p4', 'inner', 'em1', 'list', 'l1', 'l2', 'l3', 'l4'],
  p: ['p1', 'p2', 'p3', 'p4'],
  'P': ['p1', 'p2', 'p3', 'p4'],
  'p:nth-child(2)': ['p2'],
  'li:nth-child(odd)': ['l1', 'l3'],
  'li:nth-child(2n)': ['l2', 'l4'],
  'li:nth-child(-n+2)': ['l1', 'l2'],
  'li:nth-child(2n + 1)': ['l1', 'l3'],
  'p:first-child': ['p1', 'p4'],
  'p:nth-of-type(3)': ['p3'],
  'li:nth-of-type(2)': ['l2'],
  'p:first-of-type': ['p1', 'p4'],
  'p:not(.b)': ['p3', 'p4'],
  ':not(p):not(li)': ['root', 's1', 'sec', 'inner', 'em1', 'list'],
  'p.b': ['p1', 'p2'],
  '.a.b': ['p1'],
  '#s1': ['s1'],
  'span#s1': ['s1'],
  'p#s1': [],
  '[data-x]': ['p1', 'p3'],
  '[data-x="hello"]': ['p3'],
  '[data-x="HELLO" i]': ['p3'],
  '[data-x="hello" s]': ['p3'],
  '[data-x="HELLO" s]': [],
  '[data-x=hello]': ['p3'],
  '[title~="bar"]': ['s1'],
  '[title~="fo"]': [],
  '[data-x^="Hello"]': ['p1'],
  '[data-x$="World"]': ['p1'],
  '[data-x*="llo"]': ['p1', 'p3'],
  '[lang|="en"]': ['p1'],
  '[lang|="EN"]': ['p1'], // lang values compare case-insensitively in HTML
  'div p': ['p1', 'p2', 'p3', 'p4'],
  'div > p': ['p1', 'p2', 'p3'],
  'section em': ['em1'],
  'section > em': [],
  'section > div > em': ['em1'],
  '#root   #inner': ['inner'],
  'p, span': ['p1', 'p2', 's1', 'p3', 'p4'],
};

const UNSUPPORTED = {
  'p + span': 'Parser error: Unsupported combinator `+` in selector.',
  'p ~ span': 'Parser error: Unsupported combinator `~` in selector.',
  'p:last-child': 'Parser error: Unsupported pseudo-class or pseudo-element in selector.',
  'p::before': 'Parser error: Unsupported pseudo-class or pseudo-element in selector.',
  'a:hover': 'Parser error: Unsupported pseudo-class or pseudo-element in selector.',
  '': 'Parser error: The selector is empty.',
  'div >': 'Parser error: Dangling combinator in selector.',
  'svg|rect': 'Parser error: Selectors with explicit namespaces are not supported.',
  ':not(:not(p))': 'Parser error: Nested negation in selector.',
  '[=x]': 'Parser error: Missing attribute name in attribute selector.',
  '[a=1]': 'Parser error: Unexpected token in the attribute selector.',
  '.1x': 'Parser error: Invalid or unescaped class name in selector.',
  'p!': 'Parser error: Unexpected token in selector.',
};

let results;
before(async () => {
  ({ results } = await runChecks(`
    const encoder = new TextEncoder();
    // A body delivered in exactly these chunks.
    const chunked = (chunks) => new ReadableStream({ start(c) { for (const x of chunks) c.enqueue(encoder.encode(x)); c.close(); } });
    const rewrite = (input, setup, init) => {
      const rewriter = new HTMLRewriter();
      setup(rewriter);
      return rewriter.transform(new Response(Array.isArray(input) ? chunked(input) : input, init)).text();
    };
    const idsMatching = async (selector) => {
      const ids = [];
      await rewrite(${JSON.stringify(SELECTOR_DOC)}, (r) => r.on(selector, { element(e) { ids.push(e.getAttribute('id')); } }));
      return ids;
    };

    // --- Element ---
    await check('elementGetters', async () => {
      const seen = [];
      await rewrite('<DIV id="a" class="x y" data-Foo=\\'bar\\' hidden>t</DIV><br/><img src=x>', (r) => r.on('*', { element(e) {
        seen.push([e.tagName, [...e.attributes], e.getAttribute('DATA-FOO'), e.hasAttribute('hidden'), e.hasAttribute('nope'),
          e.getAttribute('nope'), e.namespaceURI, e.removed, e.selfClosing, e.canHaveContent]);
      } }));
      return seen;
    });
    await check('attributesMutation', () => rewrite('<a href="/x" target=_blank title=\\'q\\'>l</a>', (r) => r.on('a', { element(e) {
      e.setAttribute('href', '/y"z').removeAttribute('TARGET').setAttribute('REL', 'noopener').removeAttribute('missing');
      return undefined;
    } })));
    await check('attributesAfterMutation', async () => {
      let seen;
      await rewrite('<a href="/x" b>l</a>', (r) => r.on('a', { element(e) {
        e.setAttribute('href', '/y'); e.setAttribute('c', '');
        seen = [[...e.attributes], e.getAttribute('href'), e.hasAttribute('c')];
      } }));
      return seen;
    });
    await check('untouchedTagKeepsSource', () => rewrite('<P  CLASS = "x"   >t</P >', (r) => r.on('p', { element(e) { e.getAttribute('class'); } })));
    await check('selfClosingSerialization', () => rewrite('<br/><br a=b/><img src=/x/>', (r) => r.on('*', { element(e) { e.setAttribute('n', '1'); } })));
    await check('badAttributeName', () => rewrite('<p>', (r) => r.on('p', { element(e) { e.setAttribute('a b', 'x'); } })));
    await check('emptyAttributeName', () => rewrite('<p>', (r) => r.on('p', { element(e) { e.setAttribute('', 'x'); } })));
    await check('tagName', async () => {
      let names;
      const html = await rewrite('<div><span>x</span></div><p></p>', (r) => r.on('div', { element(e) { e.tagName = 'SecTion'; names = e.tagName; } }));
      return [html, names];
    });
    await check('badTagName', () => rewrite('<p>', (r) => r.on('p', { element(e) { e.tagName = '1p'; } })));
    await check('insertions', () => rewrite('<div><p>x</p></div>', (r) => r.on('p', { element(e) {
      e.before('<b>1</b>').before('<i>2</i>', { html: true }).after('a&b').after('<hr>', { html: true })
        .prepend('P1').prepend('<em>P2</em>', { html: true }).append('A1').append('<u>A2</u>', { html: true });
    } })));
    await check('replaceText', () => rewrite('<div><p>x<b>y</b></p>z</div>', (r) => r.on('p', { element(e) { e.before('[').after(']').replace('<new>'); } })));
    await check('replaceHtml', () => rewrite('<div><p>x</p></div>', (r) => r.on('p', { element(e) { e.replace('<new>', { html: true }); } })));
    await check('setInnerContent', async () => [
      await rewrite('<p>x<b>y</b></p>', (r) => r.on('p', { element(e) { e.prepend('a').append('b').setInnerContent('<i>c</i>'); } })),
      await rewrite('<p>x<b>y</b></p>', (r) => r.on('p', { element(e) { e.setInnerContent('<i>c</i>', { html: true }); } })),
    ]);
    await check('remove', async () => {
      const removed = [];
      const html = await rewrite('<div>a<p>x<span>inner</span></p>b</div>', (r) => r
        .on('p', { element(e) { removed.push(e.removed); e.remove(); removed.push(e.removed); } })
        .on('span', { element(e) { e.after('!'); removed.push('span seen'); } }));
      return [html, removed];
    });
    await check('removeAndKeepContent', () => rewrite('<div><p class="c">x<b>y</b></p></div>', (r) => r.on('p', { element(e) { e.removeAndKeepContent(); } })));
    await check('voidElements', async () => {
      const seen = [];
      const html = await rewrite('<p><img src=a>t<br/></p>', (r) => r.on('img, br', { element(e) {
        seen.push([e.tagName, e.canHaveContent, e.selfClosing]);
        e.after('[after]').before('[before]').append('[no]').prepend('[no]').setInnerContent('[no]');
        try { e.onEndTag(() => {}); } catch (err) { seen.push([err.constructor.name, err.message]); }
      } }));
      return [html, seen];
    });
    await check('onEndTag', async () => {
      const names = [];
      const html = await rewrite('<div>hi</div><p>a</p><span>s</span>', (r) => r
        .on('div', { element(e) { e.onEndTag((end) => { names.push(end.name); end.before('!').after('<hr>', { html: true }).before('<?>'); }); } })
        .on('p', { element(e) { e.tagName = 'section'; e.onEndTag((end) => { names.push(end.name); end.name = 'ARTICLE'; }); } })
        .on('span', { element(e) { e.onEndTag(() => names.push('replaced')); e.onEndTag((end) => { end.remove(); }); } }));
      return [html, names];
    });
    await check('onEndTagAsync', () => rewrite('<p>a</p>', (r) => r.on('p', { element(e) {
      e.onEndTag(async (end) => { await new Promise((resolve) => setTimeout(resolve, 5)); end.after('<!-- done -->', { html: true }); });
    } })));
    await check('unclosedElementGetsNoEndTag', async () => {
      const calls = [];
      const html = await rewrite('<div><p>a</div>', (r) => r.on('p', { element(e) { e.onEndTag(() => calls.push('p')); e.append('X'); } }));
      return [html, calls];
    });

    // --- Text ---
    await check('textChunks', async () => {
      const chunks = [];
      const html = await rewrite(['<p>He', 'llo wo', 'rld</p><p>x</p>'], (r) => r.on('p', { text(t) { chunks.push([t.text, t.lastInTextNode]); } }));
      return [html, chunks];
    });
    await check('textInDescendants', async () => {
      const chunks = [];
      await rewrite('<div>a<span>b</span>c</div>d', (r) => r.on('div', { text(t) { if (t.text) chunks.push(t.text); } }));
      return chunks;
    });
    await check('textMutations', () => rewrite('<p>a</p><p>b</p><p>c</p><p>d</p>', (r) => r.on('p', { text(t) {
      if (t.text === 'a') t.before('<').after('1', { html: true }).after('2');
      if (t.text === 'b') t.replace('<b>B</b>', { html: true });
      if (t.text === 'c') { t.remove(); }
      if (t.text === 'd') t.replace('<D>');
    } })));
    await check('textRemoved', async () => {
      const flags = [];
      await rewrite('<p>a</p>', (r) => r.on('p', { text(t) { if (t.text) { flags.push(t.removed); t.remove(); flags.push(t.removed); } } }));
      return flags;
    });
    await check('characterReferences', async () => {
      const texts = [];
      const attrs = [];
      const html = await rewrite('<p title="a &amp; b">a &amp; b &lt; c &#169; &copy</p>', (r) => r.on('p', {
        element(e) { attrs.push(e.getAttribute('title')); },
        text(t) { texts.push(t.text); },
      }));
      return [html, texts, attrs];
    });

    // --- Comments ---
    await check('comments', async () => {
      const seen = [];
      const html = await rewrite('<!--top--><div><!-- a --><!--b--><!--c--><!--d--></div>', (r) => r
        .on('div', { comments(c) {
          seen.push(['el', c.text, c.removed]);
          if (c.text === ' a ') c.text = 'A';
          if (c.text === 'b') c.before('<i>', { html: true }).after('</i>', { html: true });
          if (c.text === 'c') c.replace('<c>');
          if (c.text === 'd') { c.remove(); seen.push(c.removed); }
        } })
        .onDocument({ comments(c) { seen.push(['doc', c.text]); } }));
      return [html, seen];
    });
    await check('commentCloser', () => rewrite('<!--x-->', (r) => r.onDocument({ comments(c) { c.text = 'a-->b'; } })));

    // --- Document ---
    await check('doctype', async () => {
      const seen = [];
      await rewrite('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><p>', (r) => r.onDocument({ doctype(d) { seen.push([d.name, d.publicId, d.systemId]); } }));
      await rewrite('<!doctype HTML><p>', (r) => r.onDocument({ doctype(d) { seen.push([d.name, d.publicId, d.systemId]); } }));
      await rewrite('<!DOCTYPE html SYSTEM "about:legacy-compat">', (r) => r.onDocument({ doctype(d) { seen.push([d.name, d.publicId, d.systemId]); } }));
      return seen;
    });
    await check('documentTextAndEnd', async () => {
      const texts = [];
      const html = await rewrite('a<p>b</p>c', (r) => r.onDocument({
        text(t) { texts.push([t.text, t.lastInTextNode]); },
        end(end) { end.append('<!-- end -->', { html: true }).append('<&>'); },
      }));
      return [html, texts];
    });
    await check('handlerOrder', async () => {
      const order = [];
      await rewrite('<p>x</p>', (r) => r
        .onDocument({ text(t) { if (t.text) order.push('doc1'); } })
        .on('p', { element() { order.push('el1'); }, text(t) { if (t.text) order.push('text1'); } })
        .on('*', { element() { order.push('el2'); }, text(t) { if (t.text) order.push('text2'); } })
        .onDocument({ text(t) { if (t.text) order.push('doc2'); }, end() { order.push('end'); } }));
      return order;
    });
    await check('thisIsHandlers', async () => {
      class Rewriter { constructor() { this.prefix = 'https://example.com'; } element(e) { e.setAttribute('href', this.prefix + e.getAttribute('href')); } }
      return rewrite('<a href="/a">x</a>', (r) => r.on('a[href^="/"]', new Rewriter()));
    });

    // --- Selectors ---
    await check('selectors', async () => {
      const out = {};
      for (const selector of ${JSON.stringify(Object.keys(SELECTORS))}) out[selector] = await idsMatching(selector);
      return out;
    });
    await check('unsupportedSelectors', () => {
      const out = {};
      for (const selector of ${JSON.stringify(Object.keys(UNSUPPORTED))}) {
        try { new HTMLRewriter().on(selector, {}); out[selector] = 'accepted'; } catch (e) { out[selector] = [e.constructor.name, e.message]; }
      }
      return out;
    });

    // --- Tokenizing ---
    await check('rawText', async () => {
      const elements = [];
      const texts = {};
      const html = '<script>if (a < b && c > d) { x = "</div><p>"; }</SCRIPT ><style>p > a {}</style>'
        + '<textarea><p>not a tag</p></textarea><title>A &amp; B <b></title><p>after</p>';
      const out = await rewrite(html, (r) => r
        .on('*', { element(e) { elements.push(e.tagName); } })
        .on('script, style, textarea, title', { text(t) { texts[t.text] = t.lastInTextNode; } }));
      return [out === html, elements, texts];
    });
    await check('attributeSyntax', async () => {
      let seen;
      await rewrite('<input type=text value=\\'a "b"\\' disabled data-q="x\\'y" empty="" un=a/b/>', (r) => r.on('input', { element(e) { seen = [[...e.attributes], e.selfClosing]; } }));
      return seen;
    });
    await check('namespaces', async () => {
      const seen = [];
      await rewrite('<svg><rect/><foreignObject><div></div></foreignObject><title>t</title></svg><math><mi>x</mi></math><svg><p>out</p>',
        (r) => r.on('*', { element(e) { seen.push([e.tagName, e.namespaceURI, e.canHaveContent]); } }));
      return seen;
    });
    await check('splitEverywhere', async () => {
      const html = '<!DOCTYPE html><p class="a" data-x=\\'>\\'>Hi &amp; <!-- c --> there</p><script>a</b<\\/script></script><br/>';
      const seen = [];
      const out = await rewrite([...html], (r) => r
        .on('p', { element(e) { seen.push(e.getAttribute('data-x')); }, comments(c) { seen.push(c.text); } })
        .onDocument({ doctype(d) { seen.push(d.name); } }));
      return [out === html, seen];
    });
    await check('utf8AcrossChunks', async () => {
      const bytes = encoder.encode('<p>héllo wörld €</p>');
      const body = new ReadableStream({ start(c) { for (const b of bytes) c.enqueue(new Uint8Array([b])); c.close(); } });
      const texts = [];
      const out = await rewrite(body, (r) => r.on('p', { text(t) { texts.push(t.text); } }));
      return [out, texts.join('')];
    });
    await check('oddMarkup', () => rewrite('a < b <3 <!--> <? pi ?> </ x> </> <!-x> <p', (r) => r.on('*', { element(e) { e.setAttribute('x', '1'); } })));

    // --- Async handlers ---
    await check('asyncHandlers', async () => {
      const order = [];
      const html = await rewrite(['<p>a</p>', '<p>b</p>'], (r) => r
        .on('p', {
          async element(e) { await new Promise((resolve) => setTimeout(resolve, 2)); order.push('el'); e.setAttribute('data-n', String(order.length)); },
          async text(t) { if (t.text) { await null; order.push('text:' + t.text); t.replace(t.text.toUpperCase()); } },
        }));
      return [html, order];
    });

    // --- Validity and errors ---
    await check('tokenInvalidAfterHandler', async () => {
      let saved;
      await rewrite('<p>x</p>', (r) => r.on('p', { element(e) { saved = e; } }));
      return saved.tagName;
    });
    await check('throwingHandler', () => rewrite('<p>a</p><p>b</p>', (r) => r.on('p', { element() { throw new RangeError('boom'); } })));
    await check('rejectingHandler', () => rewrite('<p>a</p>', (r) => r.on('p', { async text() { throw new Error('async boom'); } })));
    await check('notAResponse', () => new HTMLRewriter().transform('<p>'));
    await check('handlersNotObject', () => new HTMLRewriter().on('p', 5));
    await check('handlerNotFunction', () => new HTMLRewriter().on('p', { element: 'x' }));
    await check('contentStream', () => rewrite('<p>', (r) => r.on('p', { element(e) { e.append(new Response('x')); } })));

    // --- Responses ---
    await check('toStringTags', async () => {
      const tags = [Object.prototype.toString.call(new HTMLRewriter())];
      await rewrite('<!doctype html><p>x<!--c--></p>', (r) => r
        .on('p', { element(e) { tags.push(String(e)); e.onEndTag((end) => { tags.push(String(end)); }); } })
        .onDocument({ doctype: (d) => { tags.push(String(d)); }, text: (t) => { if (t.text) tags.push(String(t)); }, comments: (c) => { tags.push(String(c)); }, end: (d) => { tags.push(String(d)); } }));
      return tags;
    });
    await check('nullBody', () => { const res = new Response(null, { status: 204 }); return new HTMLRewriter().transform(res) === res; });
    await check('responseShape', async () => {
      const res = new HTMLRewriter().on('p', { element(e) { e.setAttribute('x', 'y'); } })
        .transform(new Response('<p>', { status: 201, statusText: 'Made', headers: { 'content-type': 'text/html', 'content-length': '3', 'x-a': 'b' } }));
      return [res.status, res.statusText, res.headers.get('content-type'), res.headers.get('content-length'), res.headers.get('x-a'), await res.text()];
    });
    await check('anyContentType', () => rewrite('<p>', (r) => r.on('p', { element(e) { e.setAttribute('x', 'y'); } }), { headers: { 'content-type': 'application/json' } }));
    await check('reusable', async () => {
      const r = new HTMLRewriter().on('p', { element(e) { e.append('!'); } });
      const [a, b] = await Promise.all([r.transform(new Response('<p>a</p>')).text(), r.transform(new Response('<p>b</p>')).text()]);
      return [a, b];
    });
    await check('singleByteCharset', async () => {
      const bytes = new Uint8Array([...encoder.encode('<p title="caf'), 0xe9, ...encoder.encode('">caf'), 0xe9, ...encoder.encode('</p>')]);
      let title;
      const res = new HTMLRewriter().on('p', { element(e) { title = e.getAttribute('title'); e.setAttribute('x', '€'); } })
        .transform(new Response(bytes, { headers: { 'content-type': 'text/html; charset="windows-1252"' } }));
      return [[...new Uint8Array(await res.arrayBuffer())].map((b) => b < 128 ? String.fromCharCode(b) : b), title];
    });
    await check('unknownCharset', () => new HTMLRewriter().transform(new Response('<p>', { headers: { 'content-type': 'text/html; charset=nope' } })));
    await check('utf16Charset', () => new HTMLRewriter().transform(new Response('<p>', { headers: { 'content-type': 'text/html; charset=utf-16' } })));
    await check('usedBody', async () => { const res = new Response('<p>'); await res.text(); return new HTMLRewriter().transform(res); });
  `));
});

test('Element getters: tag name, attributes, namespace, flags', () => {
  assert.deepEqual(value(results, 'elementGetters'), [
    ['div', [['id', 'a'], ['class', 'x y'], ['data-foo', 'bar'], ['hidden', '']], 'bar', true, false, null, 'http://www.w3.org/1999/xhtml', false, false, true],
    ['br', [], null, false, false, null, 'http://www.w3.org/1999/xhtml', false, true, false],
    ['img', [['src', 'x']], null, false, false, null, 'http://www.w3.org/1999/xhtml', false, false, false],
  ]);
});

test('attribute mutations re-serialize the tag; untouched attributes keep their source', () => {
  assert.equal(value(results, 'attributesMutation'), '<a href="/y&quot;z" title=\'q\' rel="noopener">l</a>');
  assert.deepEqual(value(results, 'attributesAfterMutation'), [[['href', '/y'], ['b', ''], ['c', '']], '/y', true]);
  assert.equal(value(results, 'untouchedTagKeepsSource'), '<P  CLASS = "x"   >t</P >');
  assert.equal(value(results, 'selfClosingSerialization'), '<br n="1" /><br a=b/ n="1"><img src=/x/ n="1">');
  assertTypeError(results, 'badAttributeName', 'Parser error: ` ` character is forbidden in the attribute name');
  assertTypeError(results, 'emptyAttributeName', "Parser error: Attribute name can't be empty.");
});

test('tagName setter renames both tags', () => {
  assert.deepEqual(value(results, 'tagName'), ['<SecTion><span>x</span></SecTion><p></p>', 'section']);
  assertTypeError(results, 'badTagName', 'Parser error: The first character of the tag name should be an ASCII alphabetical character.');
});

test('before/after/prepend/append escape text and keep html, in lol-html order', () => {
  assert.equal(value(results, 'insertions'),
    '<div>&lt;b&gt;1&lt;/b&gt;<i>2</i><p><em>P2</em>P1xA1<u>A2</u></p><hr>a&amp;b</div>');
});

test('replace, setInnerContent, remove, removeAndKeepContent', () => {
  assert.equal(value(results, 'replaceText'), '<div>[&lt;new&gt;]z</div>');
  assert.equal(value(results, 'replaceHtml'), '<div><new></div>');
  assert.deepEqual(value(results, 'setInnerContent'), ['<p>&lt;i&gt;c&lt;/i&gt;</p>', '<p><i>c</i></p>']);
  // Handlers still run inside removed content, but nothing of it is written.
  assert.deepEqual(value(results, 'remove'), ['<div>ab</div>', [false, true, 'span seen']]);
  assert.equal(value(results, 'removeAndKeepContent'), '<div>x<b>y</b></div>');
});

test('void elements: content insertion is ignored, after() follows the tag, no end tag', () => {
  assert.deepEqual(value(results, 'voidElements'), [
    '<p>[before]<img src=a>[after]t[before]<br/>[after]</p>',
    [['img', false, false], ['TypeError', 'Parser error: No end tag.'], ['br', false, true], ['TypeError', 'Parser error: No end tag.']],
  ]);
});

test('onEndTag: name, before/after/remove, renaming, the last handler wins, async', () => {
  assert.deepEqual(value(results, 'onEndTag'), [
    '<div>hi!&lt;?&gt;</div><hr><section>a</ARTICLE><span>s',
    ['div', 'section'],
  ]);
  assert.equal(value(results, 'onEndTagAsync'), '<p>a</p><!-- done -->');
  // An element closed implicitly has no end tag to rewrite.
  assert.deepEqual(value(results, 'unclosedElementGetsNoEndTag'), ['<div><p>a</div>', []]);
});

test('text chunks arrive as the input does, with an empty last chunk', () => {
  assert.deepEqual(value(results, 'textChunks'), [
    '<p>Hello world</p><p>x</p>',
    [['He', false], ['llo wo', false], ['rld', false], ['', true], ['x', false], ['', true]],
  ]);
  assert.deepEqual(value(results, 'textInDescendants'), ['a', 'b', 'c']);
  assert.equal(value(results, 'textMutations'), '<p>&lt;a21</p><p><b>B</b></p><p></p><p>&lt;D&gt;</p>');
  assert.deepEqual(value(results, 'textRemoved'), [false, true]);
});

test('character references are passed through undecoded', () => {
  assert.deepEqual(value(results, 'characterReferences'), [
    '<p title="a &amp; b">a &amp; b &lt; c &#169; &copy</p>',
    ['a &amp; b &lt; c &#169; &copy', ''],
    ['a &amp; b'],
  ]);
});

test('comments: element and document handlers, text, before/after/replace/remove', () => {
  assert.deepEqual(value(results, 'comments'), [
    '<!--top--><div><!--A--><i><!--b--></i>&lt;c&gt;</div>',
    [['doc', 'top'], ['el', ' a ', false], ['doc', 'A'], ['el', 'b', false], ['doc', 'b'], ['el', 'c', false], ['doc', 'c'],
      ['el', 'd', false], true, ['doc', 'd']],
  ]);
  assertTypeError(results, 'commentCloser', "Parser error: Comment text shouldn't contain comment closing sequence (`-->`).");
});

test('document handlers: doctype, text, end, and handler order', () => {
  assert.deepEqual(value(results, 'doctype'), [
    ['html', '-//W3C//DTD XHTML 1.0 Strict//EN', 'http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd'],
    ['html', null, null],
    ['html', null, 'about:legacy-compat'],
  ]);
  assert.deepEqual(value(results, 'documentTextAndEnd'), [
    'a<p>b</p>c<!-- end -->&lt;&amp;&gt;',
    [['a', false], ['', true], ['b', false], ['', true], ['c', false], ['', true]],
  ]);
  assert.deepEqual(value(results, 'handlerOrder'), ['el1', 'el2', 'doc1', 'text1', 'text2', 'doc2', 'end']);
  assert.equal(value(results, 'thisIsHandlers'), '<a href="https://example.com/a">x</a>');
});

test('every documented selector form matches as in Workers', () => {
  assert.deepEqual(value(results, 'selectors'), SELECTORS);
});

test('unsupported selectors throw a TypeError from on()', () => {
  const out = value(results, 'unsupportedSelectors');
  for (const [selector, message] of Object.entries(UNSUPPORTED)) assert.deepEqual(out[selector], ['TypeError', message], selector);
});

test('raw text elements, attribute syntax, foreign content', () => {
  assert.deepEqual(value(results, 'rawText'), [
    true,
    ['script', 'style', 'textarea', 'title', 'p'],
    { 'if (a < b && c > d) { x = "</div><p>"; }': false, '': true, 'p > a {}': false, '<p>not a tag</p>': false, 'A &amp; B <b>': false },
  ]);
  assert.deepEqual(value(results, 'attributeSyntax'), [
    [['type', 'text'], ['value', 'a "b"'], ['disabled', ''], ['data-q', "x'y"], ['empty', ''], ['un', 'a/b/']],
    false,
  ]);
  const svg = 'http://www.w3.org/2000/svg';
  const html = 'http://www.w3.org/1999/xhtml';
  assert.deepEqual(value(results, 'namespaces'), [
    ['svg', svg, true], ['rect', svg, false], ['foreignobject', svg, true], ['div', html, true], ['title', svg, true],
    ['math', 'http://www.w3.org/1998/Math/MathML', true], ['mi', 'http://www.w3.org/1998/Math/MathML', true],
    ['svg', svg, true], ['p', html, true],
  ]);
});

test('input split at every character, and UTF-8 split inside characters, come out unchanged', () => {
  assert.deepEqual(value(results, 'splitEverywhere'), [true, ['html', '>', ' c ']]);
  assert.deepEqual(value(results, 'utf8AcrossChunks'), ['<p>héllo wörld €</p>', 'héllo wörld €']);
  assert.equal(value(results, 'oddMarkup'), 'a < b <3 <!--> <? pi ?> </ x> </> <!-x> <p');
});

test('async handlers are awaited in order', () => {
  assert.deepEqual(value(results, 'asyncHandlers'), [
    '<p data-n="1">A</p><p data-n="3">B</p>',
    ['el', 'text:a', 'el', 'text:b'],
  ]);
});

test('tokens are invalid after their handler; handler errors error the body', () => {
  assertTypeError(results, 'tokenInvalidAfterHandler',
    'This content token is no longer valid. Content tokens are only valid during the execution of the relevant content handler.');
  assert.deepEqual([error(results, 'throwingHandler').ctor, error(results, 'throwingHandler').message], ['RangeError', 'boom']);
  assert.equal(error(results, 'rejectingHandler').message, 'async boom');
  assertTypeError(results, 'notAResponse');
  assertTypeError(results, 'handlersNotObject');
  assertTypeError(results, 'handlerNotFunction', "Incorrect type for the 'element' field on 'ElementContentHandlers': the provided value is not of type 'function'.");
  assertTypeError(results, 'contentStream');
  assertTypeError(results, 'usedBody');
});

test('classes carry their toStringTag', () => {
  assert.deepEqual(value(results, 'toStringTags'), [
    '[object HTMLRewriter]', '[object Doctype]', '[object Element]', '[object Text]', '[object Comment]', '[object EndTag]', '[object DocumentEnd]',
  ]);
});

test('transform keeps the response, drops Content-Length, rewrites any content type', () => {
  assert.equal(value(results, 'nullBody'), true);
  assert.deepEqual(value(results, 'responseShape'), [201, 'Made', 'text/html', null, 'b', '<p x="y">']);
  assert.equal(value(results, 'anyContentType'), '<p x="y">');
  assert.deepEqual(value(results, 'reusable'), ['<p>a!</p>', '<p>b!</p>']);
});

test('the Content-Type charset picks the encoding; other ASCII-compatible ones pass through byte for byte', () => {
  const bytes = value(results, 'singleByteCharset')[0];
  assert.equal(bytes.map((b) => (typeof b === 'number' ? `<${b}>` : b)).join(''), '<p title="caf<233>" x="&#8364;">caf<233></p>');
  assert.equal(value(results, 'singleByteCharset')[1], 'caf\u00e9');
  assertTypeError(results, 'unknownCharset', 'Parser error: Unknown character encoding has been provided.');
  assertTypeError(results, 'utf16Charset', 'Parser error: Expected ASCII-compatible encoding.');
});

test('output reaches the client before the upstream body ends', async () => {
  const w = await startWorker(`export default { fetch() {
    const encoder = new TextEncoder();
    const upstream = new ReadableStream({
      async start(c) {
        c.enqueue(encoder.encode('<html><body><p class="first">one</p>'));
        await new Promise((resolve) => setTimeout(resolve, 400));
        c.enqueue(encoder.encode('<p>two</p></body></html>'));
        c.close();
      },
    });
    return new HTMLRewriter()
      .on('p', { element(e) { e.setAttribute('data-seen', '1'); } })
      .transform(new Response(upstream, { headers: { 'content-type': 'text/html' } }));
  } };`);
  try {
    const start = Date.now();
    const res = await w.fetch('/');
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const first = decoder.decode((await reader.read()).value, { stream: true });
    const firstAt = Date.now() - start;
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += decoder.decode(r.value, { stream: true });
    const endAt = Date.now() - start;
    assert.equal(first, '<html><body><p class="first" data-seen="1">one</p>');
    assert.equal(rest, '<p data-seen="1">two</p></body></html>');
    assert.ok(firstAt < 300 && endAt >= 380, `first bytes at ${firstAt} ms, end at ${endAt} ms`);
  } finally {
    await w.dispose();
  }
});

test('a handler that throws errors the response the client is reading', async () => {
  const w = await startWorker(`export default { fetch() {
    const encoder = new TextEncoder();
    const upstream = new ReadableStream({
      async start(c) {
        c.enqueue(encoder.encode('<p>ok</p>'));
        await new Promise((resolve) => setTimeout(resolve, 20));
        c.enqueue(encoder.encode('<p class="bad">bad</p><p>never</p>'));
        c.close();
      },
    });
    return new HTMLRewriter()
      .on('p.bad', { element() { throw new Error('handler failed'); } })
      .transform(new Response(upstream));
  } };`);
  try {
    const res = await w.fetch('/');
    assert.equal(res.status, 200);
    const reader = res.body.getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), '<p>ok</p>');
    await assert.rejects(async () => {
      while (!(await reader.read()).done);
    });
  } finally {
    await w.dispose();
  }
});

test('a realistic page: links rewritten, a script injected before </body>, a fetched upstream', async () => {
  const page = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Shop &amp; more</title>
<link rel="stylesheet" href="http://origin.test/style.css">
<script>window.a = "<a href='http://origin.test/x'>";</script>
</head>
<body>
<!-- nav -->
<nav><a href="http://origin.test/">Home</a> <a href="http://origin.test/about?x=1&amp;y=2">About</a> <a href="https://other.test/">Other</a></nav>
<img src="http://origin.test/logo.png" alt="logo">
<p>Prices from ${'<span class="price">€ 10</span>'.repeat(3)}</p>
</body>
</html>`;
  const upstream = await startWorker(`export default { fetch() { return new Response(${JSON.stringify(page)}, { headers: { 'content-type': 'text/html; charset=utf-8' } }); } };`);
  const proxy = await startWorker(`
class Links {
  constructor(from, to) { this.from = from; this.to = to; }
  element(e) {
    for (const name of ['href', 'src']) {
      const value = e.getAttribute(name);
      if (value !== null && value.startsWith(this.from)) e.setAttribute(name, this.to + value.slice(this.from.length));
    }
  }
}
export default { async fetch(request, env) {
  const response = await fetch(env.UPSTREAM);
  return new HTMLRewriter()
    .on('a[href], link[href], img[src]', new Links('http://origin.test', ''))
    .on('body', { element(e) { e.onEndTag((end) => { end.before('<script src="/inject.js"></script>', { html: true }); }); } })
    .on('title', { text(t) { if (t.lastInTextNode) t.after(' | Proxy'); } })
    .on('span.price', { element(e) { e.setAttribute('data-currency', 'EUR'); } })
    .onDocument({ comments(c) { c.remove(); } })
    .transform(response);
} };`, { env: { vars: { UPSTREAM: upstream.url } } });
  try {
    const res = await proxy.fetch('/');
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await res.text();
    const expected = page
      .replaceAll('http://origin.test/', '/')
      .replace('<a href=\'/x\'>', '<a href=\'http://origin.test/x\'>') // inside the script: not markup
      .replace('</title>', ' | Proxy</title>')
      .replace('<!-- nav -->', '')
      .replaceAll('<span class="price">', '<span class="price" data-currency="EUR">')
      .replace('</body>', '<script src="/inject.js"></script></body>');
    assert.equal(html, expected);
  } finally {
    await proxy.dispose();
    await upstream.dispose();
  }
});
