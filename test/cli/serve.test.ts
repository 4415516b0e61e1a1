import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kalends, kalendsBackground } from './helpers.js';

interface Running {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
}

/** Starts `kalends serve ARGS` and resolves once it prints the URL it listens on. */
function startServe(args: string[]): Promise<Running> {
  const child = kalendsBackground(['serve', ...args]);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start within 30 s\n${out}\n${err}`));
    }, 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = /listening on (http:\/\/\S+\/)/.exec(out);
      // The banner ends with the Ctrl-C hint; wait for all of it (pipes may split it).
      if (m && out.includes('Stop with Ctrl-C.')) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stdout: () => out, stderr: () => err });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}\n${out}\n${err}`));
    });
  });
}

/** Sends SIGTERM and returns the exit code (SIGKILL after 15 s, which fails the test). */
function stop(r: Running): Promise<number | null> {
  r.child.removeAllListeners('exit');
  return new Promise((resolve) => {
    const timer = setTimeout(() => r.child.kill('SIGKILL'), 15_000);
    r.child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    r.child.kill('SIGTERM');
  });
}

function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

async function propfind(url: string, auth?: string): Promise<number> {
  const headers: Record<string, string> = { Depth: '0' };
  if (auth) headers.Authorization = auth;
  const res = await fetch(url, { method: 'PROPFIND', headers });
  await res.arrayBuffer();
  return res.status;
}

test('serve --auth none on loopback: every request is --user; access log; SIGTERM closes cleanly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kalends-serve-'));
  try {
    const root = join(dir, 'data');
    const r = await startServe(['--root', root, '--auth', 'none', '--user', 'bob', '--port', '0']);
    try {
      assert.match(r.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(await propfind(r.url + 'bob/'), 207);
      assert.equal(existsSync(join(root, 'bob')), true, "bob's home was created");
    } finally {
      assert.equal(await stop(r), 0, r.stderr());
    }
    assert.match(r.stderr(), /^\S+Z PROPFIND \/bob\/ 207 \d+ms bob$/m);
    assert.match(r.stderr(), /closed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve with an htpasswd file: 401 without a login, and a user added while running can log in', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kalends-serve-'));
  try {
    const root = join(dir, 'data');
    assert.equal(kalends(['user', 'add', 'alice', '--root', root], 'alice pw\n').status, 0);
    const r = await startServe(['--root', root, '--port', '0', '--quiet']);
    try {
      assert.match(r.stdout(), /auth: HTTP Basic/);
      assert.equal(await propfind(r.url + 'alice/'), 401);
      assert.equal(await propfind(r.url + 'alice/', basic('alice', 'alice pw')), 207);
      assert.equal(await propfind(r.url + 'carol/', basic('carol', 'carol pw')), 401);
      assert.equal(kalends(['user', 'add', 'carol', '--root', root], 'carol pw\n').status, 0);
      assert.equal(await propfind(r.url + 'carol/', basic('carol', 'carol pw')), 207, 'no restart needed');
    } finally {
      assert.equal(await stop(r), 0, r.stderr());
    }
    assert.doesNotMatch(r.stderr(), /PROPFIND/, '--quiet: no access log');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve --demo creates the demo root on first start and serves it with demo/demo', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kalends-serve-'));
  try {
    const root = join(dir, 'data');
    const first = await startServe(['--demo', '--root', root, '--port', '0']);
    try {
      assert.match(first.stdout(), /Demo data imported/);
      assert.match(first.stdout(), /user demo\s+password demo/);
      assert.equal(await propfind(first.url + 'demo/calendars/'), 401);
      assert.equal(await propfind(first.url + 'demo/calendars/', basic('demo', 'demo')), 207);
    } finally {
      assert.equal(await stop(first), 0, first.stderr());
    }
    // The second start serves what is there and does not import again.
    const second = await startServe(['--demo', '--root', root, '--port', '0']);
    try {
      assert.doesNotMatch(second.stdout(), /Demo data imported/);
      assert.match(second.stdout(), /Serving the existing data/);
      assert.equal(await propfind(second.url + 'demo/', basic('demo', 'demo')), 207);
    } finally {
      assert.equal(await stop(second), 0, second.stderr());
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
