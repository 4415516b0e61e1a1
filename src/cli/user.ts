/** `kalends user add|remove NAME`: edits an htpasswd file (bcrypt entries). */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_BCRYPT_COST, hashBcrypt } from '../http/auth/htpasswd.js';
import { isValidUserName, USER_NAME_RULE } from '../http/auth/userName.js';
import { CliError, parseInteger } from './common.js';
import { removeUser, setUserHash } from './htpasswdFile.js';
import { readNewPassword } from './prompt.js';

export const USER_HELP = `Usage: kalends user add NAME (--htpasswd FILE | --root DIR) [--cost N]
       kalends user remove NAME (--htpasswd FILE | --root DIR)

add     adds NAME, or sets a new password if NAME exists. The password is asked twice
        without echo on a terminal, or read from the first line of standard input:
          printf '%s\\n' 'the password' | kalends user add alice --root ./data
remove  removes NAME's login (the data under DIR/NAME stays).

Options:
  --htpasswd FILE   the htpasswd file (created if missing)
  --root DIR        use DIR/htpasswd (what "kalends serve --root DIR" reads by default)
  --cost N          bcrypt cost, 10-14 (default ${DEFAULT_BCRYPT_COST})
  -h, --help        this help

${USER_NAME_RULE[0]!.toUpperCase()}${USER_NAME_RULE.slice(1)}.
A running server sees the change on its next request; no restart is needed.
`;

export async function userCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        htpasswd: { type: 'string' },
        root: { type: 'string' },
        cost: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nSee: kalends user --help`);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(USER_HELP);
    return values.help ? 0 : 2;
  }
  const [action, name, ...rest] = positionals;
  if (action !== 'add' && action !== 'remove') throw new CliError(`unknown user action ${JSON.stringify(action)}; see kalends user --help`);
  if (name === undefined || rest.length > 0) throw new CliError(`give exactly one user name: kalends user ${action} NAME`);
  if (!isValidUserName(name)) throw new CliError(`${JSON.stringify(name)} is not allowed: ${USER_NAME_RULE}`);
  if (values.htpasswd !== undefined && values.root !== undefined) throw new CliError('give --htpasswd or --root, not both');
  const file =
    values.htpasswd !== undefined
      ? resolve(values.htpasswd)
      : values.root !== undefined
        ? join(resolve(values.root), 'htpasswd')
        : undefined;
  if (!file) throw new CliError('where is the htpasswd file? Give --htpasswd FILE or --root DIR');

  if (action === 'remove') {
    const removed = await removeUser(file, name);
    if (!removed) throw new CliError(`no user ${name} in ${file}`, 1);
    process.stdout.write(`Removed ${name} from ${file}\n`);
    return 0;
  }
  const cost = values.cost === undefined ? DEFAULT_BCRYPT_COST : parseInteger(values.cost, '--cost', 10, 14);
  const password = await readNewPassword(name);
  const replaced = await setUserHash(file, name, await hashBcrypt(password, cost));
  process.stdout.write(`${replaced ? 'Changed the password of' : 'Added'} ${name} in ${file}\n`);
  return 0;
}
