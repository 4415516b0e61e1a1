import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackHost } from '../../src/cli/common.js';

test('loopback hosts are 127.0.0.0/8, ::1 and localhost only', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) {
    assert.equal(isLoopbackHost(h), true, h);
  }
  for (const h of ['0.0.0.0', '::', '192.168.1.1', '128.0.0.1', 'example.org', 'localhost.example.org', '', '::2']) {
    assert.equal(isLoopbackHost(h), false, h);
  }
});
