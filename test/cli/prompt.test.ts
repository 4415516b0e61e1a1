import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyHash } from '../../src/http/auth/index.js';
import { REPO } from './helpers.js';

/**
 * Runs `kalends user add` on a pseudo-terminal (util-linux `script`), answers the two prompts only
 * once they appear (typed-ahead input would be echoed by the terminal before raw mode starts), and
 * returns what the terminal showed.
 */
function runOnTty(file: string, first: string, second: string): Promise<{ code: number | null; screen: string }> {
  const cmd = `${process.execPath} --import tsx src/cli/main.ts user add alice --htpasswd ${file}`;
  const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: REPO });
  let screen = '';
  let step = 0;
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString('utf8');
    if (step === 0 && screen.includes('New password for alice:')) {
      step = 1;
      setTimeout(() => child.stdin.write(first + '\r'), 100);
    } else if (step === 1 && screen.includes('Repeat the password:')) {
      step = 2;
      setTimeout(() => child.stdin.write(second + '\r'), 100);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

test('user add on a terminal asks twice and never echoes the password', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kalends-tty-'));
  try {
    const file = join(dir, 'htpasswd');
    const ok = await runOnTty(file, 'tty s3cret', 'tty s3cret');
    assert.equal(ok.code, 0, ok.screen);
    assert.doesNotMatch(ok.screen, /s3cret/, 'the password is not echoed');
    assert.match(ok.screen, /Added alice/);
    const hash = readFileSync(file, 'utf8').trim().slice('alice:'.length);
    assert.equal(await verifyHash('tty s3cret', hash), true);

    const differ = await runOnTty(file, 'one', 'two');
    assert.notEqual(differ.code, 0);
    assert.match(differ.screen, /differ/);
    assert.equal(await verifyHash('tty s3cret', readFileSync(file, 'utf8').trim().slice('alice:'.length)), true, 'unchanged');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
