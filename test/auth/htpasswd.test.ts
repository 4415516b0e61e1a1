import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  apr1Hash,
  hashBcrypt,
  hashScheme,
  parseHtpasswd,
  setHtpasswdEntry,
  verifyHash,
} from '../../src/http/auth/index.js';

/** A hash made by Apache's own htpasswd tool (apache2-utils). */
function htpasswd(flag: string, user: string, password: string): string {
  const r = spawnSync('htpasswd', ['-n', '-b', flag, ...(flag === '-B' ? ['-C', '5'] : []), user, password], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `htpasswd failed: ${r.stderr}`);
  const line = r.stdout.trim();
  assert.ok(line.startsWith(user + ':'), line);
  return line.slice(user.length + 1);
}

// Made with `htpasswd -nbB -C 5 alice secret` and `htpasswd -nbm bob secret` (apache2-utils 2.4.71).
const Y_BCRYPT_SECRET = '$2y$05$WFffMAl3i3/Dl9yshcNEgeizoi6/qXUWrmS1mzdgFV1nmWVH1EnZa';
const APR1_SECRET = '$apr1$ixHLsST5$2Sk9.MDV5COIQ6ON6hQCt/';
// base64(SHA-1("secret")) where SHA-1("secret") = e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4.
const SHA_SECRET = '{SHA}' + Buffer.from('e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4', 'hex').toString('base64');

test('hashes from the real htpasswd tool verify, wrong passwords do not', async () => {
  const passwords = ['secret', 'pässwörd:with:colons', ' lead and trail '];
  for (const flag of ['-B', '-m', '-s']) {
    for (const pw of passwords) {
      const hash = htpasswd(flag, 'u', pw);
      assert.equal(await verifyHash(pw, hash), true, `${flag} ${pw} ${hash}`);
      assert.equal(await verifyHash(pw + 'x', hash), false, `${flag} ${pw}x`);
      assert.equal(await verifyHash(pw.slice(1), hash), false);
      assert.equal(await verifyHash('', hash), false);
    }
  }
});

test('fixed $2y$, $2b$, $2a$, $apr1$ and {SHA} hashes', async () => {
  assert.equal(hashScheme(Y_BCRYPT_SECRET), 'bcrypt');
  assert.equal(await verifyHash('secret', Y_BCRYPT_SECRET), true);
  assert.equal(await verifyHash('Secret', Y_BCRYPT_SECRET), false);
  // $2b$ and $2a$ name the same algorithm for ASCII passwords.
  for (const prefix of ['$2b$', '$2a$']) {
    const h = prefix + Y_BCRYPT_SECRET.slice(4);
    assert.equal(await verifyHash('secret', h), true, prefix);
  }
  assert.equal(hashScheme(APR1_SECRET), 'apr1');
  assert.equal(await verifyHash('secret', APR1_SECRET), true);
  assert.equal(await verifyHash('secreT', APR1_SECRET), false);
  assert.equal(hashScheme(SHA_SECRET), 'sha1');
  assert.equal(await verifyHash('secret', SHA_SECRET), true);
  assert.equal(await verifyHash('secrets', SHA_SECRET), false);
});

test('apr1Hash reproduces htpasswd -m output from its salt', () => {
  assert.equal(apr1Hash('secret', 'ixHLsST5'), APR1_SECRET);
  for (const pw of ['a', 'x'.repeat(17), 'x'.repeat(40), 'ünïcödé']) {
    const h = htpasswd('-m', 'u', pw);
    const salt = h.split('$')[2]!;
    assert.equal(apr1Hash(pw, salt), h, pw);
  }
});

test('plain text, crypt() and unknown entries are refused with a reason', async () => {
  const text = [
    '# comment',
    '',
    'alice:' + Y_BCRYPT_SECRET,
    'plain:secret',
    'cryptuser:rOiaKXIyWnMEs', // DES crypt("secret") form: 13 chars
    'sha512:$6$saltsalt$abcdefghijklmnopqrstuvwxyz',
    '../evil:' + SHA_SECRET,
    'nohash',
    'alice:' + SHA_SECRET,
    'bob:' + APR1_SECRET,
  ].join('\n');
  const parsed = parseHtpasswd(text);
  assert.deepEqual([...parsed.entries.keys()].sort(), ['alice', 'bob']);
  assert.equal(parsed.entries.get('alice')!.hash, Y_BCRYPT_SECRET, 'the first entry for a user wins');
  assert.equal(parsed.problems.length, 6);
  assert.ok(parsed.problems.some((p) => p.includes('plain') && p.includes('unsupported')));
  assert.ok(parsed.problems.some((p) => p.includes('cryptuser') && p.includes('unsupported')));
  assert.ok(parsed.problems.some((p) => p.includes('../evil') && p.includes('not allowed')));
  assert.equal(await verifyHash('secret', 'secret'), false, 'a plain-text "hash" never matches');
  assert.equal(await verifyHash('rOiaKXIyWnMEs', 'rOiaKXIyWnMEs'), false);
});

test('hashBcrypt writes a $2y$ entry that the real htpasswd -v accepts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kalends-auth-'));
  try {
    const hash = await hashBcrypt('correct horse', 10);
    assert.match(hash, /^\$2y\$10\$[./A-Za-z0-9]{53}$/);
    const file = join(dir, 'htpasswd');
    writeFileSync(file, `carol:${hash}\n`);
    const ok = spawnSync('htpasswd', ['-v', '-b', file, 'carol', 'correct horse'], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    const bad = spawnSync('htpasswd', ['-v', '-b', file, 'carol', 'wrong horse'], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('setHtpasswdEntry replaces in place or appends, keeping other lines', () => {
  const a = setHtpasswdEntry('# users\nalice:A\nbob:B\nalice:A2\n', 'alice', 'NEW');
  assert.equal(a.replaced, true);
  assert.equal(a.text, '# users\nalice:NEW\nbob:B\n');
  const b = setHtpasswdEntry('alice:A', 'carol', 'C');
  assert.equal(b.replaced, false);
  assert.equal(b.text, 'alice:A\ncarol:C\n');
  assert.equal(setHtpasswdEntry('', 'dave', 'D').text, 'dave:D\n');
});
