import { measureBaseline } from './baseline.js';
import { wrkVersion } from './wrk.js';
const body = Buffer.from('UID:x\r\n' + 'x'.repeat(1100));
for (const s of [1, 3]) console.log(s, (await measureBaseline(wrkVersion() ? 'wrk' : 'node', body, 'UID:x', 8, s)).toFixed(0));
