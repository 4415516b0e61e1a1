/** `kalends init --demo DIR`: a new data root filled with the demo data. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError } from './common.js';
import { initDemoRoot } from './demo.js';

export const INIT_HELP = `Usage: kalends init --demo DIR

Create a new data root DIR (which must not exist or be empty) holding the demo data from
sample-repos/: one bare Git repository per calendar and address book, each with one commit,
and DIR/htpasswd with one login per demo user (password = user name, e.g. demo / demo).

Then: kalends serve --root DIR

Options:
  --demo           required: fill DIR with the demo data
  --sample DIR     take the demo data from this directory instead of the package's sample-repos/
  -h, --help       this help

A data root needs no initialisation for real use: "kalends serve --root DIR" creates it, and
each user's home is created on first login.
`;

export async function initCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        demo: { type: 'boolean' },
        sample: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nSee: kalends init --help`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(INIT_HELP);
    return 0;
  }
  if (!values.demo) throw new CliError('only "kalends init --demo DIR" exists; see kalends init --help');
  if (positionals.length !== 1) throw new CliError('give exactly one directory: kalends init --demo DIR');
  const root = resolve(positionals[0]!);
  const result = await initDemoRoot(root, values.sample !== undefined ? resolve(values.sample) : undefined);
  process.stdout.write(`Created ${root} with ${result.collections.length} collections:\n`);
  for (const c of result.collections) process.stdout.write(`  ${c}\n`);
  process.stdout.write(`Logins in ${resolve(root, 'htpasswd')} (password = user name):\n`);
  for (const u of result.users) process.stdout.write(`  ${u.name} / ${u.password}\n`);
  process.stdout.write(`Serve it with: kalends serve --root ${root}\n`);
  return 0;
}
