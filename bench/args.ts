/** Command line of `npm run bench -- [options]`. */
import { parseArgs } from 'node:util';
import type { ServerId } from './servers/types.js';

export const HELP = `Usage: npm run bench -- [options]

Measures Kalends, Xandikos and Radicale side by side on the same generated data (issue 4).

Options:
  --n N                items per collection (default 1000; the quoted figures use 1000 and 10000)
  --repeat R           repetitions, server order rotated each time (default 3)
  --servers LIST       comma-separated: kalends,xandikos,radicale (default all three; missing peers are skipped)
  --quick              smoke run: --n 100 --repeat 1 --query-runs 1 --get-seconds 1
  --out FILE           also write the results as Markdown to FILE
  --query-runs K       timed runs of each query per repetition, median taken (default 3)
  --get-seconds S      duration of the GET load (default 3)
  --timeout S          per-request limit; a request over it is recorded as "timeout" (default 300)
  --import-timeout S   limit for each import phase; past it the server's repetition stops (default 3600)
  --preload K          write the first K items of each collection straight into the server's storage
                       (git commit / files, server stopped), then PUT the remaining N-K over HTTP:
                       the PUT figures are then for a collection of K..N items (default 0: all over HTTP)
  --seed N             data set seed (default 20250101)
  --profile DIR        run Kalends under node --cpu-prof, profiles written to DIR
  --many CxI           instead of the comparison: C calendars of I events on one Kalends (e.g. 2000x100),
                       each visited in turn (PROPFIND Depth 1 + GET) for --repeat rounds, RSS sampled
  -h, --help           this help
`;

export interface BenchArgs {
  n: number;
  repeat: number;
  servers: ServerId[];
  quick: boolean;
  out?: string;
  queryRuns: number;
  getSeconds: number;
  timeoutMs: number;
  importTimeoutMs: number;
  seed: number;
  preload: number;
  profile?: string;
  many?: string;
  help: boolean;
}

function int(v: string | undefined, name: string, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, not ${JSON.stringify(v)}`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      n: { type: 'string' },
      repeat: { type: 'string' },
      servers: { type: 'string' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
      'query-runs': { type: 'string' },
      'get-seconds': { type: 'string' },
      timeout: { type: 'string' },
      'import-timeout': { type: 'string' },
      seed: { type: 'string' },
      preload: { type: 'string' },
      profile: { type: 'string' },
      many: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const quick = values.quick ?? false;
  const servers = (values.servers ?? 'kalends,xandikos,radicale').split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of servers) if (!['kalends', 'xandikos', 'radicale'].includes(s)) throw new Error(`unknown server ${JSON.stringify(s)} (kalends, xandikos, radicale)`);
  if (!servers.includes('kalends')) servers.unshift('kalends'); // Kalends is always measured
  const a: BenchArgs = {
    n: int(values.n, '--n', quick ? 100 : 1000, 10),
    repeat: int(values.repeat, '--repeat', quick ? 1 : 3, 1),
    servers: [...new Set(servers)] as ServerId[],
    quick,
    queryRuns: int(values['query-runs'], '--query-runs', quick ? 1 : 3, 1),
    getSeconds: int(values['get-seconds'], '--get-seconds', quick ? 1 : 3, 1),
    timeoutMs: int(values.timeout, '--timeout', 300, 1) * 1000,
    importTimeoutMs: int(values['import-timeout'], '--import-timeout', 3600, 1) * 1000,
    seed: int(values.seed, '--seed', 20250101, 0),
    preload: int(values.preload, '--preload', 0, 0),
    help: values.help ?? false,
  };
  if (a.preload > 0 && a.n - a.preload < 16) throw new Error(`--preload must leave at least 16 items per collection to PUT over HTTP (N=${a.n})`);
  if (values.out !== undefined) a.out = values.out;
  if (values.profile !== undefined) a.profile = values.profile;
  if (values.many !== undefined) a.many = values.many;
  return a;
}
