#!/usr/bin/env node
/** The `kalends` command: dispatches to serve, init and user. */
import { CliError, packageVersion } from './common.js';

const HELP = `Usage: kalends <command> [options]

Kalends: a CalDAV/CardDAV server where every calendar and address book is a Git repository.

Commands:
  serve      run the server           kalends serve --root DIR [--host 127.0.0.1] [--port 8008]
                                      kalends serve --demo
  init       create a demo data root  kalends init --demo DIR
  user       manage logins            kalends user add NAME --root DIR

Run "kalends <command> --help" for the options of a command.
Options: -h, --help   this help;   -v, --version   print the version
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    case '-v':
    case '--version':
      process.stdout.write(`kalends ${packageVersion()}\n`);
      return 0;
    case 'serve':
      return (await import('./serve.js')).serveCommand(rest);
    case 'init':
      return (await import('./init.js')).initCommand(rest);
    case 'user':
      return (await import('./user.js')).userCommand(rest);
    default:
      throw new CliError(`unknown command ${JSON.stringify(command)}\n\n${HELP}`);
  }
}

// `kalends --help | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // After a clean server shutdown, don't wait for stray timers or watchers to wind down.
    if (process.argv[2] === 'serve') process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof CliError) {
      process.stderr.write(`kalends: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`kalends: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
