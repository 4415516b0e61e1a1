import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textMatches, isCollation, SUPPORTED_COLLATIONS, asciiCasemap, unicodeCasemap, type Collation, type MatchType } from '../../src/dav/textMatch.js';

const m = (v: string, p: string, c: Collation, t: MatchType) => textMatches(v, p, c, t);

test('isCollation accepts exactly the three supported collations', () => {
  assert.deepEqual([...SUPPORTED_COLLATIONS].sort(), ['i;ascii-casemap', 'i;octet', 'i;unicode-casemap']);
  assert.equal(isCollation('i;octet'), true);
  assert.equal(isCollation('i;ascii-casemap'), true);
  assert.equal(isCollation('i;unicode-casemap'), true);
  assert.equal(isCollation('i;ASCII-casemap'), false);
  assert.equal(isCollation('i;ascii-numeric'), false);
  assert.equal(isCollation(''), false);
});

test('i;octet is exact, for every match type', () => {
  assert.equal(m('Team Meeting', 'Team Meeting', 'i;octet', 'equals'), true);
  assert.equal(m('Team Meeting', 'team meeting', 'i;octet', 'equals'), false);
  assert.equal(m('Team Meeting', 'm Mee', 'i;octet', 'contains'), true);
  assert.equal(m('Team Meeting', 'M MEE', 'i;octet', 'contains'), false);
  assert.equal(m('Team Meeting', 'Team', 'i;octet', 'starts-with'), true);
  assert.equal(m('Team Meeting', 'team', 'i;octet', 'starts-with'), false);
  assert.equal(m('Team Meeting', 'ting', 'i;octet', 'ends-with'), true);
  assert.equal(m('Team Meeting', 'TING', 'i;octet', 'ends-with'), false);
  assert.equal(m('café', 'cafe\u0301', 'i;octet', 'equals'), false, 'precomposed and decomposed differ in octets');
  assert.equal(m('abc', '', 'i;octet', 'contains'), true, 'the empty string is a substring of every string');
});

test('i;ascii-casemap folds only ASCII letters', () => {
  assert.equal(m('Team Meeting', 'TEAM MEETING', 'i;ascii-casemap', 'equals'), true);
  assert.equal(m('Team Meeting', 'eam mee', 'i;ascii-casemap', 'contains'), true);
  assert.equal(m('Team Meeting', 'tEAM', 'i;ascii-casemap', 'starts-with'), true);
  assert.equal(m('Team Meeting', 'meeTING', 'i;ascii-casemap', 'ends-with'), true);
  assert.equal(m('Team Meeting', 'Meeting', 'i;ascii-casemap', 'starts-with'), false);
  assert.equal(m('Team Meeting', 'Team', 'i;ascii-casemap', 'ends-with'), false);
  assert.equal(m('Team', 'Team Meeting', 'i;ascii-casemap', 'contains'), false);
  // é (U+00E9) and É (U+00C9) are not ASCII: not folded.
  assert.equal(m('Café', 'CAFÉ', 'i;ascii-casemap', 'equals'), false);
  assert.equal(m('Café', 'CAFé', 'i;ascii-casemap', 'equals'), true);
  assert.equal(asciiCasemap('a-z_ÄäßQ'), 'A-Z_ÄäßQ');
});

test('i;unicode-casemap: case-insensitive beyond ASCII', () => {
  assert.equal(m('Café', 'CAFÉ', 'i;unicode-casemap', 'equals'), true);
  assert.equal(m('réunion d’équipe', 'ÉQUIPE', 'i;unicode-casemap', 'ends-with'), true);
  assert.equal(m('Réunion', 'RÉU', 'i;unicode-casemap', 'starts-with'), true);
  assert.equal(m('Ελληνικά', 'ΛΛΗΝ', 'i;unicode-casemap', 'contains'), true);
  assert.equal(m('Привет', 'привет', 'i;unicode-casemap', 'equals'), true);
  assert.equal(m('Café', 'Cafe', 'i;unicode-casemap', 'equals'), false, 'the accent is not ignored, only case');
});

test('i;unicode-casemap: precomposed and decomposed forms compare equal', () => {
  // é = U+00E9; e + U+0301 COMBINING ACUTE is its canonical decomposition.
  assert.equal(m('caf\u00e9', 'CAFE\u0301', 'i;unicode-casemap', 'equals'), true);
  assert.equal(m('CAFE\u0301', 'caf\u00e9', 'i;unicode-casemap', 'equals'), true);
  // Substring at the decomposition level: "café" contains "CAFE" (the acute is a separate mark).
  assert.equal(m('caf\u00e9', 'CAFE', 'i;unicode-casemap', 'starts-with'), true);
  // Compatibility decompositions: the ligature ﬁ (U+FB01) is "fi", and then titlecased.
  assert.equal(m('\ufb01le', 'FILE', 'i;unicode-casemap', 'equals'), true);
  // Fullwidth Ａ (U+FF21) decomposes to A.
  assert.equal(m('\uff21bc', 'abc', 'i;unicode-casemap', 'equals'), true);
});

test('i;unicode-casemap: ß has no simple titlecase mapping (RFC 5051 uses UnicodeData.txt)', () => {
  assert.equal(m('Straße', 'STRAßE', 'i;unicode-casemap', 'equals'), true);
  assert.equal(m('Straße', 'STRASSE', 'i;unicode-casemap', 'equals'), false);
  assert.equal(unicodeCasemap('ß'), 'ß');
});

test('i;unicode-casemap: titlecase digraphs, final sigma and dotless i', () => {
  // Ǆ (U+01C4), ǅ (U+01C5), ǆ (U+01C6) share the titlecase ǅ.
  assert.equal(m('\u01c6', '\u01c4', 'i;unicode-casemap', 'equals'), true);
  assert.equal(m('\u01c5', '\u01c4', 'i;unicode-casemap', 'equals'), true);
  // final sigma ς and σ both titlecase to Σ
  assert.equal(m('ς', 'σ', 'i;unicode-casemap', 'equals'), true);
  // dotless ı titlecases to I
  assert.equal(m('ı', 'I', 'i;unicode-casemap', 'equals'), true);
  assert.equal(unicodeCasemap('hello'), 'HELLO');
});
