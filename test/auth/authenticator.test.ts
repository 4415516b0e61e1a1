import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HtpasswdAuthenticator, verifyHash, type PasswordVerifier } from '../../src/http/auth/index.js';

function bcryptLine(user: string, password: string): string {
  const r = spawnSync('htpasswd', ['-n', '-b', '-B', '-C', '5', user, password], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function setup(): { dir: string; file: string; calls: () => number; verify: PasswordVerifier; logs: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'kalends-authn-'));
  let n = 0;
  const verify: PasswordVerifier = async (pw, hash) => {
    n++;
    return verifyHash(pw, hash);
  };
  return { dir, file: join(dir, 'htpasswd'), calls: () => n, verify, logs: [] };
}

test('a successful check is cached: the second request does not run bcrypt again', async () => {
  const s = setup();
  try {
    writeFileSync(s.file, bcryptLine('alice', 'pw1') + '\n');
    const a = new HtpasswdAuthenticator(s.file, { verify: s.verify, failureDelayMs: 0, log: (l) => s.logs.push(l) });
    assert.equal(await a.authenticate('alice', 'pw1'), true);
    assert.equal(s.calls(), 1);
    assert.equal(await a.authenticate('alice', 'pw1'), true);
    assert.equal(await a.authenticate('alice', 'pw1'), true);
    assert.equal(s.calls(), 1, 'cache hits do not verify');
    assert.equal(a.cacheSize, 1);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('failures are not cached and a cached success does not vouch for another password', async () => {
  const s = setup();
  try {
    writeFileSync(s.file, bcryptLine('alice', 'pw1') + '\n');
    const a = new HtpasswdAuthenticator(s.file, { verify: s.verify, failureDelayMs: 0, log: (l) => s.logs.push(l) });
    assert.equal(await a.authenticate('alice', 'wrong'), false);
    assert.equal(await a.authenticate('alice', 'wrong'), false);
    assert.equal(s.calls(), 2);
    assert.equal(await a.authenticate('alice', 'pw1'), true);
    assert.equal(await a.authenticate('alice', 'pw1x'), false);
    assert.equal(s.calls(), 4);
    assert.equal(a.cacheSize, 1);
    // Unknown users are refused (after a dummy check, so they cost as much as known ones).
    assert.equal(await a.authenticate('nobody', 'pw1'), false);
    assert.equal(await a.authenticate('../alice', 'pw1'), false);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('editing the file in place invalidates the cache at once (same size, same second)', async () => {
  const s = setup();
  try {
    writeFileSync(s.file, bcryptLine('alice', 'old-pw') + '\n');
    const a = new HtpasswdAuthenticator(s.file, { verify: s.verify, failureDelayMs: 0, log: (l) => s.logs.push(l) });
    assert.equal(await a.authenticate('alice', 'old-pw'), true);
    assert.equal(await a.authenticate('alice', 'old-pw'), true);
    assert.equal(s.calls(), 1);
    // A bcrypt line has the same length for any password: size does not change, mtime may not either.
    writeFileSync(s.file, bcryptLine('alice', 'new-pw') + '\n');
    assert.equal(await a.authenticate('alice', 'old-pw'), false);
    assert.equal(await a.authenticate('alice', 'new-pw'), true);
    assert.equal(await a.authenticate('alice', 'new-pw'), true);
    assert.equal(s.calls(), 3);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('replacing the file (rename) and removing a user invalidate the cache', async () => {
  const s = setup();
  try {
    writeFileSync(s.file, bcryptLine('alice', 'a') + '\n' + bcryptLine('bob', 'b') + '\n');
    const a = new HtpasswdAuthenticator(s.file, { verify: s.verify, failureDelayMs: 0, log: (l) => s.logs.push(l) });
    assert.equal(await a.authenticate('alice', 'a'), true);
    assert.equal(await a.authenticate('bob', 'b'), true);
    const tmp = s.file + '.tmp';
    writeFileSync(tmp, bcryptLine('bob', 'b') + '\n');
    renameSync(tmp, s.file);
    assert.equal(await a.authenticate('alice', 'a'), false, 'alice was removed');
    assert.equal(await a.authenticate('bob', 'b'), true);
    rmSync(s.file);
    assert.equal(await a.authenticate('bob', 'b'), false, 'no file, no logins');
    assert.ok(s.logs.some((l) => l.includes('cannot read htpasswd file')), s.logs.join('\n'));
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('the cache is bounded in size and in time', async () => {
  const s = setup();
  try {
    writeFileSync(s.file, ['u1', 'u2', 'u3'].map((u) => bcryptLine(u, u + '-pw')).join('\n') + '\n');
    const a = new HtpasswdAuthenticator(s.file, { verify: s.verify, failureDelayMs: 0, cacheMaxEntries: 2 });
    for (const u of ['u1', 'u2', 'u3']) assert.equal(await a.authenticate(u, u + '-pw'), true);
    assert.equal(a.cacheSize, 2);
    assert.equal(s.calls(), 3);
    assert.equal(await a.authenticate('u1', 'u1-pw'), true, 'u1 was evicted (least recently used)');
    assert.equal(s.calls(), 4);

    const b = new HtpasswdAuthenticator(s.file, { verify: s.verify, failureDelayMs: 0, cacheTtlMs: 0 });
    assert.equal(await b.authenticate('u2', 'u2-pw'), true);
    assert.equal(await b.authenticate('u2', 'u2-pw'), true);
    assert.equal(s.calls(), 6, 'with a zero TTL every check verifies');
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('repeated failures from one address are delayed, growing', async () => {
  const s = setup();
  try {
    writeFileSync(s.file, 'alice:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n');
    const a = new HtpasswdAuthenticator(s.file, { failureDelayMs: 20, maxFailureDelayMs: 80 });
    const t0 = performance.now();
    assert.equal(await a.authenticate('alice', 'x', '192.0.2.1'), false);
    assert.equal(await a.authenticate('alice', 'y', '192.0.2.1'), false);
    assert.equal(await a.authenticate('alice', 'z', '192.0.2.1'), false);
    // 20 + 40 + 80 ms at least (timers never fire early).
    assert.ok(performance.now() - t0 >= 135);
    const t1 = performance.now();
    assert.equal(await a.authenticate('alice', 'secret', '192.0.2.1'), true);
    assert.ok(performance.now() - t1 < 1000);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('concurrent first requests with the same credentials share one hash check; a wrong password gets its own', async () => {
  const s = setup();
  try {
    writeFileSync(s.file, bcryptLine('alice', 'pw1') + '\n');
    const a = new HtpasswdAuthenticator(s.file, { verify: s.verify, failureDelayMs: 0, log: (l) => s.logs.push(l) });
    const results = await Promise.all([...Array(8).keys()].map(() => a.authenticate('alice', 'pw1')));
    assert.deepEqual(results, Array(8).fill(true));
    assert.equal(s.calls(), 1);
    const mixed = await Promise.all([a.authenticate('alice', 'nope'), a.authenticate('alice', 'nope'), a.authenticate('alice', 'pw1')]);
    assert.deepEqual(mixed, [false, false, true]);
    assert.equal(s.calls(), 2, 'the two identical wrong tries share one check; the right one is cached');
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});
