import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseHtpasswd, verifyHash } from '../../src/http/auth/index.js';
import { kalends } from './helpers.js';

const EVENT =
  'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kalends test//EN\r\nBEGIN:VEVENT\r\nUID:standup@example.org\r\n' +
  'DTSTAMP:20260105T090000Z\r\nDTSTART:20260105T093000Z\r\nDURATION:PT15M\r\nSUMMARY:Stand-up\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
const CARD = 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ada\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\nEND:VCARD\r\n';

/** A tiny sample-repos/ tree: two users, a calendar, an address book and a plain folder with a subfolder. */
function writeFixture(dir: string): Record<string, Record<string, string>> {
  const collections: Record<string, Record<string, string>> = {
    'demo/calendars/work': {
      '.kalends.json': '{"type":"calendar","properties":{"{DAV:}displayname":"Work"}}\n',
      'standup.ics': EVENT,
    },
    'demo/contacts/friends': {
      '.kalends.json': '{"type":"addressbook","properties":{"{DAV:}displayname":"Friends"}}\n',
      'ada.vcf': CARD,
    },
    'demo/notes': {
      '.kalends.json': '{"type":"plain","properties":{}}\n',
      'ideas/2026.txt': 'fly\n',
    },
    'alice/calendars/home': {
      '.kalends.json': '{"type":"calendar","properties":{}}\n',
      'standup.ics': EVENT,
    },
  };
  for (const [rel, files] of Object.entries(collections)) {
    for (const [name, text] of Object.entries(files)) {
      const p = join(dir, rel, name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
    }
  }
  return collections;
}

function git(gitDir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8' });
}

test('init --demo turns every sample collection into a bare repository that native git reads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kalends-init-'));
  try {
    const sample = join(dir, 'sample');
    const expected = writeFixture(sample);
    const root = join(dir, 'data');
    const r = kalends(['init', '--demo', root, '--sample', sample]);
    assert.equal(r.status, 0, r.stderr);

    for (const [rel, files] of Object.entries(expected)) {
      const gitDir = join(root, rel);
      assert.equal(git(gitDir, 'rev-parse', '--is-bare-repository').trim(), 'true', rel);
      const log = git(gitDir, 'log', '--format=%an <%ae>|%s').trim().split('\n');
      assert.deepEqual(log, ['Kalends <kalends@localhost>|Import demo data'], rel);
      const names = git(gitDir, 'ls-tree', '-r', '--name-only', 'HEAD').trim().split('\n').sort();
      assert.deepEqual(names, Object.keys(files).sort(), rel);
      for (const [name, text] of Object.entries(files)) {
        assert.equal(git(gitDir, 'cat-file', 'blob', `HEAD:${name}`), text, `${rel}/${name} bytes unchanged`);
      }
      git(gitDir, 'fsck', '--strict', '--no-progress');
      // A person can clone it and see the files.
      const clone = join(dir, 'clones', rel);
      execFileSync('git', ['clone', '--quiet', gitDir, clone]);
      assert.equal(readFileSync(join(clone, Object.keys(files)[1]!), 'utf8'), Object.values(files)[1]);
    }
    assert.deepEqual(readdirSync(join(root, 'demo')).sort(), ['calendars', 'contacts', 'notes']);

    const { entries } = parseHtpasswd(readFileSync(join(root, 'htpasswd'), 'utf8'));
    assert.deepEqual([...entries.keys()].sort(), ['alice', 'demo']);
    assert.equal(await verifyHash('demo', entries.get('demo')!.hash), true);
    assert.equal(await verifyHash('alice', entries.get('alice')!.hash), true);
    assert.ok(!readdirSync(dir).some((n) => n.includes('.init-')), 'no staging directory left behind');

    const again = kalends(['init', '--demo', root, '--sample', sample]);
    assert.notEqual(again.status, 0, 'an existing data root is never overwritten');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('init --demo with a missing sample directory fails and leaves nothing behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kalends-init-'));
  try {
    const root = join(dir, 'data');
    const r = kalends(['init', '--demo', root, '--sample', join(dir, 'no-such-sample')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /does not exist/);
    assert.equal(existsSync(root), false);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
