import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyHash } from '../../src/http/auth/index.js';
import { kalends } from './helpers.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kalends-cli-'));
}

test('kalends --help and --help on each command', () => {
  const top = kalends(['--help']);
  assert.equal(top.status, 0, top.stderr);
  for (const word of ['serve', 'init', 'user']) assert.match(top.stdout, new RegExp(`\\b${word}\\b`));
  for (const cmd of ['serve', 'init', 'user']) {
    const r = kalends([cmd, '--help']);
    assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: kalends ${cmd}`));
  }
  const none = kalends([]);
  assert.equal(none.status, 2);
  const unknown = kalends(['frobnicate']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const badOption = kalends(['serve', '--root', '/nonexistent', '--bogus']);
  assert.equal(badOption.status, 2);
  assert.match(badOption.stderr, /--bogus/);
});

test('user add writes a bcrypt entry that verifies; running it again changes the password', async () => {
  const dir = tempDir();
  try {
    const file = join(dir, 'sub', 'htpasswd');
    const r = kalends(['user', 'add', 'alice', '--htpasswd', file], 'correct horse battery\n');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Added alice/);
    const text = readFileSync(file, 'utf8');
    const m = /^alice:(\$2y\$1\d\$[./A-Za-z0-9]{53})\n$/.exec(text);
    assert.ok(m, text);
    assert.equal(await verifyHash('correct horse battery', m[1]!), true);
    assert.equal(await verifyHash('correct horse battery\n', m[1]!), false, 'the line ending is not part of the password');
    // Apache's own tool agrees.
    const v = spawnSync('htpasswd', ['-v', '-b', file, 'alice', 'correct horse battery'], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stderr);
    assert.equal(statSync(file).mode & 0o077, 0, 'not readable by others');

    const b = kalends(['user', 'add', 'bob', '--root', join(dir, 'sub')], 'bob pw');
    assert.equal(b.status, 0, b.stderr);
    const again = kalends(['user', 'add', 'alice', '--htpasswd', file], 'new pw\r\n');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /Changed the password of alice/);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.deepEqual(lines.map((l) => l.split(':')[0]), ['alice', 'bob']);
    assert.equal(await verifyHash('new pw', lines[0]!.slice('alice:'.length)), true);
    assert.equal(await verifyHash('bob pw', lines[1]!.slice('bob:'.length)), true);

    const removed = kalends(['user', 'remove', 'bob', '--htpasswd', file]);
    assert.equal(removed.status, 0, removed.stderr);
    assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(':')[0]), ['alice']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('user add refuses bad names, empty passwords and a missing file location', () => {
  const dir = tempDir();
  try {
    const file = join(dir, 'htpasswd');
    for (const name of ['../x', '.hidden', 'a/b', 'a:b']) {
      const r = kalends(['user', 'add', name, '--htpasswd', file], 'pw\n');
      assert.notEqual(r.status, 0, name);
      assert.match(r.stderr, /not allowed/);
    }
    const empty = kalends(['user', 'add', 'alice', '--htpasswd', file], '\n');
    assert.notEqual(empty.status, 0);
    assert.match(empty.stderr, /empty password/);
    const nowhere = kalends(['user', 'add', 'alice'], 'pw\n');
    assert.notEqual(nowhere.status, 0);
    assert.match(nowhere.stderr, /--htpasswd FILE or --root DIR/);
    assert.equal(existsSync(file), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve refuses to run without authentication off loopback', () => {
  const dir = tempDir();
  try {
    const root = join(dir, 'data');
    const none = kalends(['serve', '--root', root, '--auth', 'none', '--host', '0.0.0.0', '--port', '0']);
    assert.notEqual(none.status, 0);
    assert.match(none.stderr, /--auth none is only allowed on a loopback address/);
    assert.equal(existsSync(root), false, 'nothing created when refusing');

    const v6 = kalends(['serve', '--root', root, '--auth', 'none', '--host', '::', '--port', '0']);
    assert.notEqual(v6.status, 0);
    assert.match(v6.stderr, /loopback/);

    const implicit = kalends(['serve', '--root', root, '--host', '0.0.0.0', '--port', '0']);
    assert.notEqual(implicit.status, 0);
    assert.match(implicit.stderr, /refusing to listen on 0\.0\.0\.0 without authentication/);

    const missing = kalends(['serve', '--root', root, '--host', '0.0.0.0', '--htpasswd', join(dir, 'nope')]);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /htpasswd file .*nope does not exist/);

    const demo = kalends(['serve', '--demo', '--root', root, '--host', '0.0.0.0']);
    assert.notEqual(demo.status, 0);
    assert.match(demo.stderr, /loopback/);

    const badProxy = kalends(['serve', '--root', root, '--auth', 'proxy', '--trusted-proxy', 'proxy.example']);
    assert.notEqual(badProxy.status, 0);
    assert.match(badProxy.stderr, /--trusted-proxy/);

    const badPort = kalends(['serve', '--root', root, '--port', '70000']);
    assert.notEqual(badPort.status, 0);
    assert.match(badPort.stderr, /--port/);
    assert.equal(existsSync(root), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('init refuses a non-empty directory and requires --demo', () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'something'), 'x');
    const r = kalends(['init', '--demo', dir]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /not empty/);
    const noDemo = kalends(['init', join(dir, 'new')]);
    assert.notEqual(noDemo.status, 0);
    assert.match(noDemo.stderr, /--demo/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
