/**
 * litmus 0.13 (Debian package) against a plain collection: the five suites run one at a time,
 * each must report a summary with tests run and 0 failures (and nothing skipped: a skipped
 * locks suite means class 2 is not claimed), the server must answer a PROPFIND after each, and
 * `git fsck --strict` must be clean on every repository afterwards.
 * In CI a missing litmus is a failure; elsewhere the test is skipped with a message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKalends } from '../helpers/server.js';

const SUITES = ['basic', 'copymove', 'props', 'locks', 'http'] as const;
const SUITE_TIMEOUT_MS = 120_000;

const haveLitmus = spawnSync('sh', ['-c', 'command -v litmus'], { encoding: 'utf8' }).status === 0;
const skip = !haveLitmus && !process.env.CI ? 'litmus is not installed (apt-get install litmus); this test runs in CI' : false;

export interface Summary {
  suite: string;
  run: number;
  passed: number;
  failed: number;
}

/** `<- summary for `NAME': of N tests run: X passed, Y failed. Z%` */
export function parseSummaries(output: string): Summary[] {
  const out: Summary[] = [];
  const re = /<- summary for [`'](\w+)': of (\d+) tests run: (\d+) passed, (\d+) failed/g;
  for (const m of output.matchAll(re)) out.push({ suite: m[1]!, run: Number(m[2]), passed: Number(m[3]), failed: Number(m[4]) });
  return out;
}

function runLitmus(url: string, suite: string, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // litmus writes debug.log and child.log into its working directory.
    const child = spawn('litmus', [url, 'alice', 'alice-pw'], { cwd, env: { ...process.env, TESTS: suite }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), SUITE_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Bare repositories below `dir`: directories holding `HEAD` and `objects/`. */
function bareRepos(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    if (depth > 8) return;
    if (existsSync(join(d, 'HEAD')) && existsSync(join(d, 'objects')) && statSync(join(d, 'objects')).isDirectory()) {
      out.push(d);
      return;
    }
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, depth + 1);
    }
  };
  walk(dir, 0);
  return out;
}

test('summary lines are parsed with both quote styles', () => {
  assert.deepEqual(parseSummaries("<- summary for `basic': of 16 tests run: 16 passed, 0 failed. 100.0%\n<- summary for 'http': of 4 tests run: 3 passed, 1 failed. 75.0%"), [
    { suite: 'basic', run: 16, passed: 16, failed: 0 },
    { suite: 'http', run: 4, passed: 3, failed: 1 },
  ]);
});

test('litmus: basic, copymove, props, locks, http pass with 0 failures; server up; git fsck clean', { skip, timeout: SUITES.length * SUITE_TIMEOUT_MS + 60_000 }, async (t) => {
  assert.ok(haveLitmus, 'litmus must be installed in CI (Debian package "litmus")');
  const k = await startKalends();
  const cwd = mkdtempSync(join(tmpdir(), 'kalends-litmus-'));
  try {
    const auth = { Authorization: k.auth('alice') };
    const mk = await fetch(`${k.origin}/alice/litmus-root/`, { method: 'MKCOL', headers: auth });
    assert.equal(mk.status, 201);
    const url = `${k.origin}/alice/litmus-root/`;
    for (const suite of SUITES) {
      const { code, output } = await runLitmus(url, suite, cwd);
      const summaries = parseSummaries(output).filter((s) => s.suite === suite);
      const line = output.split('\n').find((l) => l.includes('<- summary')) ?? '(no summary)';
      t.diagnostic(line.trim());
      for (const w of output.split('\n').filter((l) => l.includes('WARNING'))) t.diagnostic(`${suite}: ${w.trim()}`);
      assert.equal(summaries.length, 1, `litmus ${suite} printed no summary (exit ${code}):\n${output}`);
      const s = summaries[0]!;
      assert.ok(s.run > 0, `litmus ${suite} ran no tests:\n${output}`);
      assert.equal(s.failed, 0, `litmus ${suite}: ${s.failed} failed:\n${output}`);
      assert.doesNotMatch(output, /tests? (was|were) skipped/, `litmus ${suite} skipped tests:\n${output}`);
      const alive = await fetch(url, { method: 'PROPFIND', headers: { ...auth, Depth: '0' } });
      assert.equal(alive.status, 207, `server not answering after the ${suite} suite`);
      await alive.text();
    }
    const repos = bareRepos(k.root);
    assert.ok(repos.some((r) => r.endsWith(join('alice', 'litmus-root'))), `litmus-root repository not found among ${repos.join(', ')}`);
    for (const repo of repos) {
      const fsck = spawnSync('git', ['--git-dir', repo, 'fsck', '--strict', '--no-dangling'], { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } });
      assert.equal(fsck.status, 0, `git fsck --strict ${repo}:\n${fsck.stdout}${fsck.stderr}`);
      assert.doesNotMatch(fsck.stdout + fsck.stderr, /error|warning/i, `git fsck --strict ${repo}`);
    }
  } finally {
    await k.stop();
    rmSync(cwd, { recursive: true, force: true });
  }
});
