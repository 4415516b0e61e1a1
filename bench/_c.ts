import { measureBaseline } from './baseline.js';
const body = Buffer.from('UID:x\r\n' + 'x'.repeat(1100));
for (const s of [1, 3]) console.log(s, (await measureBaseline(body, 'UID:x', 8, s)).toFixed(0));
