import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gitNameCompare, splitPath, checkRootPath } from '../../src/store/paths.js';
import { formatTz, parseTree, serializeCommit, serializeTree, parseCommit, type TreeEntry } from '../../src/store/format.js';
import { EMPTY_TREE_ID, hashObject } from '../../src/store/objects.js';
import { StoreError } from '../../src/store/types.js';

test('object ids match Git for well-known objects', () => {
  // `git hash-object` of "hello\n" and of the empty blob; the empty tree's id is hard-coded in Git.
  assert.equal(hashObject('blob', Buffer.from('hello\n')), 'ce013625030ba8dba906f756967f9e9ca394464a');
  assert.equal(hashObject('blob', Buffer.alloc(0)), 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  assert.equal(hashObject('tree', Buffer.alloc(0)), EMPTY_TREE_ID);
});

test('tree order compares directories as if their name ended in "/"', () => {
  // '-' (0x2d) < '.' (0x2e) < '/' (0x2f) < '0' (0x30): a tree "a" sorts between "a.ics" and "a0".
  const names: [string, boolean][] = [
    ['a0', false],
    ['a', true],
    ['a.ics', false],
    ['a-b', false],
  ];
  names.sort((x, y) => gitNameCompare(x[0], x[1], y[0], y[1]));
  assert.deepEqual(names.map((n) => n[0]), ['a-b', 'a.ics', 'a', 'a0']);
  // A file "a" sorts before "a-b" (end of name before any byte).
  assert.ok(gitNameCompare('a', false, 'a-b', false) < 0);
  // A tree "a" sorts after "a-b" ('/' > '-').
  assert.ok(gitNameCompare('a', true, 'a-b', false) > 0);
  // UTF-8 byte order: U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80), unlike UTF-16 code units.
  assert.ok(gitNameCompare('\ufffd', false, '\u{1f600}', false) < 0);
  assert.ok(gitNameCompare('z', false, '\u00e9', false) < 0);
});

test('serialised trees round-trip and hash like Git', () => {
  // Worked out by hand: one entry "100644 hello\0" + 20 raw bytes of the blob id of "hello\n".
  const entries: TreeEntry[] = [{ name: 'hello', mode: '100644', oid: 'ce013625030ba8dba906f756967f9e9ca394464a' }];
  const data = serializeTree(entries);
  assert.equal(data.length, '100644 hello\0'.length + 20);
  assert.deepEqual(parseTree('x', data), entries);
  const nonAscii: TreeEntry[] = [{ name: 'caf\u00e9.ics', mode: '100644', oid: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391' }];
  assert.deepEqual(parseTree('x', serializeTree(nonAscii)), nonAscii);
  // A name that is not UTF-8 keeps its bytes through a rewrite.
  const raw = Buffer.concat([Buffer.from('100644 a'), Buffer.from([0xff]), Buffer.from([0]), Buffer.alloc(20, 1)]);
  assert.deepEqual(serializeTree(parseTree('x', raw)), raw);
});

test('commit text: identity, time zone, trailing newline', () => {
  const text = serializeCommit({
    tree: EMPTY_TREE_ID,
    parents: ['ce013625030ba8dba906f756967f9e9ca394464a'],
    author: { name: 'A <b>', email: 'a@example.org\n' },
    time: 1700000000,
    tzMinutes: 90,
    message: 'Add event',
  }).toString();
  assert.equal(
    text,
    `tree ${EMPTY_TREE_ID}\nparent ce013625030ba8dba906f756967f9e9ca394464a\n` +
      'author A b <a@example.org> 1700000000 +0130\ncommitter A b <a@example.org> 1700000000 +0130\n\nAdd event\n',
  );
  assert.match(serializeCommit({ tree: EMPTY_TREE_ID, parents: [], author: { name: 'A', email: 'a@b' }, time: 0, tzMinutes: 0, message: 'a\0b\n' }).toString(), /\n\nab\n$/);
  const parsed = parseCommit('x', Buffer.from(text));
  assert.equal(parsed.tree, EMPTY_TREE_ID);
  assert.equal(parsed.committerTime, 1700000000);
  assert.equal(formatTz(-300), '-0500');
  assert.equal(formatTz(0), '+0000');
  assert.equal(formatTz(345), '+0545');
});

test('path validation', () => {
  assert.deepEqual(splitPath('a/b.ics', false), ['a', 'b.ics']);
  assert.deepEqual(checkRootPath('', true), []);
  for (const bad of ['', '/a', 'a/', 'a//b', './a', 'a/..', 'a/./b', 'a\\b', 'a\0b', '.git', 'x/.GIT/y']) {
    assert.throws(() => splitPath(bad, false), (e: unknown) => e instanceof StoreError && e.code === 'invalid-path', bad);
  }
  assert.throws(() => checkRootPath('.trash/x'), (e: unknown) => e instanceof StoreError && e.code === 'invalid-path');
  assert.throws(() => checkRootPath('.tmp'), (e: unknown) => e instanceof StoreError && e.code === 'invalid-path');
  // ".gitignore" and "..." are ordinary names.
  assert.deepEqual(splitPath('.gitignore/...', false), ['.gitignore', '...']);
});
