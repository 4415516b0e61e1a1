import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXml } from '../../src/dav/xml/writer.js';

test('escapeXml: text escapes & < > and CR (so CRLF survives a parser), not quotes', () => {
  assert.equal(escapeXml('plain text, "quoted"'), 'plain text, "quoted"');
  assert.equal(escapeXml('a&b <c> d\r\ne'), 'a&amp;b &lt;c&gt; d&#13;\ne');
  // An existing entity is escaped again: the text is literal.
  assert.equal(escapeXml('&amp;&lt;'), '&amp;amp;&amp;lt;');
  assert.equal(escapeXml('x\r\ny\r\n'), 'x&#13;\ny&#13;\n');
});

test('escapeXml: attribute values also escape double quotes', () => {
  assert.equal(escapeXml('"etag"', true), '&quot;etag&quot;');
  assert.equal(escapeXml('a&"<>\r', true), 'a&amp;&quot;&lt;&gt;&#13;');
});
