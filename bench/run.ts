/**
 * `npm run bench`: generate the data set, start each server on a fresh data directory, run the
 * workload, repeat with the server order rotated, print medians and ratios (and write Markdown).
 */
import { runMany } from './many.js';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { HELP, parseBenchArgs, type BenchArgs } from './args.js';
import { measureBaseline } from './baseline.js';
import { MONTH, WEEK, generateDataset } from './data/dataset.js';
import { TARGET_TEXT } from './data/words.js';
import { expectedEmailMatch, expectedTimeRange } from './expected.js';
import type { RepResult } from './metrics.js';
import { median } from './checks.js';
import { buildRows, markdownTable, problems, targets, textTable, type TableInput } from './report.js';
import { KALENDS_MAIN, makeKalends, snapshotBuild } from './servers/kalends.js';
import { live } from './servers/process.js';
import { radicale } from './servers/radicale.js';
import type { ServerId, ServerSpec } from './servers/types.js';
import { xandikos } from './servers/xandikos.js';
import { runWorkload } from './workload.js';
import { WRK_THREADS, wrkVersion } from './wrk.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function specsFor(a: BenchArgs, kalendsMain: string): ServerSpec[] {
  const kalendsArgs = a.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(a.profile)] : [];
  const all: Record<ServerId, ServerSpec> = { kalends: makeKalends(kalendsMain, kalendsArgs), xandikos, radicale };
  return a.servers.map((s) => all[s]);
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${os.release()}, Node ${process.version}`;
}

async function main(): Promise<number> {
  const a = parseBenchArgs(process.argv.slice(2));
  if (a.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (a.many) return runMany(a.many, a.repeat, log);
  const command = `npm run bench --${process.argv.length > 2 ? ' ' + process.argv.slice(2).join(' ') : ''}`;
  if (a.profile) mkdirSync(a.profile, { recursive: true });
  if (!existsSync(KALENDS_MAIN)) throw new Error(`${KALENDS_MAIN} is missing: run "npm run build" first (npm run bench does)`);
  const tmp = mkdtempSync(join(os.tmpdir(), 'kalends-bench-'));
  const cleanup = (): void => rmSync(tmp, { recursive: true, force: true });
  const specs: ServerSpec[] = [];
  const versions: Partial<Record<ServerId, string>> = {};
  // With --profile the measured build is kept beside the profiles: its source maps turn the
  // profiles' dist/ positions back into src/ lines (bench/tools/profile-summary.ts).
  const buildDir = a.profile ? join(resolve(a.profile), `build-${Date.now()}`) : join(tmp, 'kalends-build');
  for (const spec of specsFor(a, snapshotBuild(buildDir))) {
    const v = await spec.probe();
    if (v instanceof Error) {
      if (spec.id === 'kalends') {
        cleanup();
        throw v;
      }
      log(`${spec.label}: skipped — ${v.message}`);
      continue;
    }
    versions[spec.id] = v;
    specs.push(spec);
  }
  log(`Generating N=${a.n} events and N=${a.n} contacts (seed ${a.seed}) ...`);
  const ds = generateDataset(a.n, a.seed);
  const expect = `expected: 1-week query ${expectedTimeRange(ds.events, WEEK).size}, 1-month query ${expectedTimeRange(ds.events, MONTH).size}, EMAIL contains "${TARGET_TEXT}" ${expectedEmailMatch(ds.cards, TARGET_TEXT).size}`;
  log(expect);

  const onSignal = (sig: NodeJS.Signals): void => {
    log(`bench: ${sig}, stopping servers`);
    void Promise.allSettled([...live].map((p) => p.stop())).then(() => {
      cleanup();
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const wrk = wrkVersion();
  const getGenerator = wrk ? 'wrk' : 'node';
  const generatorText = wrk
    ? `${wrk}, ${WRK_THREADS} threads, 8 keep-alive connections, every status checked`
    : 'the Node client (bench/load.ts), 8 keep-alive connections — wrk is not installed (apt-get install wrk), so the figure is capped by the client';
  log(`GET load generator: ${generatorText}`);

  try {
    const target = ds.eventItems[ds.getTarget]!;
    const ceilings: number[] = [];
    const results = new Map<ServerId, RepResult[]>(specs.map((s) => [s.id, []]));
    const started = Date.now();
    for (let rep = 0; rep < a.repeat; rep++) {
      const order = specs.map((_, i) => specs[(i + rep) % specs.length]!);
      ceilings.push(await measureBaseline(getGenerator, target.body, `UID:${target.uid}`, 8, a.getSeconds));
      log(`client ceiling: bare node:http GET, same generator (${getGenerator}), 8 connections: ${ceilings[rep]!.toFixed(0)} req/s`);
      for (const spec of order) {
        const workDir = join(tmp, `${rep}-${spec.id}`);
        const dataDir = join(workDir, 'data');
        mkdirSync(dataDir, { recursive: true });
        log(`[${rep + 1}/${a.repeat}] ${spec.label} (N=${a.n}, ${((Date.now() - started) / 1000).toFixed(0)} s elapsed)`);
        const phases: Array<{ id: string; start: number; end: number; childBusyMs?: number }> = [];
        try {
          results.get(spec.id)!.push(
            await runWorkload(spec, ds, dataDir, workDir, {
              queryRuns: a.queryRuns,
              timeoutMs: a.timeoutMs,
              importTimeoutMs: a.importTimeoutMs,
              getSeconds: a.getSeconds,
              getGenerator,
              concurrency: 8,
              preload: a.preload,
              log,
              onPhase: (id, start, end, childBusyMs) => phases.push({ id, start, end, ...(childBusyMs === undefined ? {} : { childBusyMs }) }),
            }),
          );
          if (a.profile && spec.id === 'kalends') writeFileSync(join(a.profile, `phases-${rep}.json`), JSON.stringify(phases));
        } catch (err) {
          log(`  ${spec.label} failed: ${err instanceof Error ? err.message : String(err)}`);
          results.get(spec.id)!.push({});
        } finally {
          rmSync(workDir, { recursive: true, force: true });
        }
      }
    }
    const input: TableInput = {
      rows: buildRows(results),
      servers: specs.map((s) => s.id),
      labels: { kalends: 'Kalends', xandikos: 'Xandikos', radicale: 'Radicale' },
    };
    const header = [
      `command: ${command}`,
      `date: ${new Date().toISOString()}; total ${((Date.now() - started) / 1000).toFixed(0)} s`,
      `machine: ${machine()}`,
      `servers: ${specs.map((s) => `${s.label} ${versions[s.id]}`).join('; ')}`,
      `N=${a.n} per collection, ${a.repeat} repetitions (order rotated), ${a.queryRuns} timed runs per query; medians`,
      a.preload
        ? `import: the first ${a.preload} items of each collection written natively (server stopped), the last ${a.n - a.preload} PUT over HTTP — the PUT rows measure those, into a collection of ${a.preload}..${a.n}`
        : `import: all ${a.n} items of each collection PUT over HTTP into an empty collection — the PUT rows measure that`,
      expect,
      `GET load generator: ${generatorText}`,
      `client ceiling (the same GET load against a bare node:http server, once per repetition): median ${median(ceilings).toFixed(0)} req/s (${ceilings.map((c) => c.toFixed(0)).join(', ')})`,
    ];
    const probs = problems(input);
    const tgt = targets(input);
    process.stdout.write(
      `\n${header.join('\n')}\n\n${textTable(input)}\n` +
        (probs.length ? `\nProblems:\n${probs.map((p) => `  ${p}`).join('\n')}\n` : '') +
        `\nTargets of issue 4 (stated for N = 10,000):\n${tgt.map((t) => `  ${t}`).join('\n')}\n`,
    );
    if (a.out) {
      const md = [
        `### N = ${a.n}`,
        '',
        ...header.map((h) => `- ${h.replace(/^command: (.*)$/, 'command: `$1`')}`),
        '',
        markdownTable(input),
        '',
        ...(probs.length ? ['Problems:', '', ...probs.map((p) => `- ${p}`), ''] : []),
        'Targets of issue 4 (stated for N = 10,000):',
        '',
        ...tgt.map((t) => `- ${t}`),
        '',
      ].join('\n');
      writeFileSync(a.out, md);
      log(`Markdown written to ${a.out}`);
    }
    return 0;
  } finally {
    await Promise.allSettled([...live].map((p) => p.stop()));
    cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
