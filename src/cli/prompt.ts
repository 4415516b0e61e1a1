/** Reading a password: a no-echo prompt on a terminal, else the first line of stdin. */
import { CliError } from './common.js';

/** Prompts on stderr and reads one line from a TTY stdin without echoing it. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    let input = '';
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const finish = (err: Error | null): void => {
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(input);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003') return finish(new CliError('cancelled', 130));
        if (ch === '\u0004') return finish(input === '' ? new CliError('cancelled', 1) : null);
        if (ch === '\u007f' || ch === '\b') input = [...input].slice(0, -1).join('');
        else if (ch >= ' ') input += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Reads all of stdin and returns its first line (without the line ending). */
export async function readFirstLineFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(b);
    size += b.length;
    if (size > 64 * 1024) throw new CliError('the password on stdin is too long');
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const nl = text.search(/\r?\n/);
  return nl < 0 ? text : text.slice(0, nl);
}

/** The new password: asked twice on a terminal, else read from stdin. Empty passwords are refused. */
export async function readNewPassword(user: string): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await promptHidden(`New password for ${user}: `);
    const again = await promptHidden('Repeat the password: ');
    if (again !== password) throw new CliError('the passwords differ; nothing changed', 1);
  } else {
    password = await readFirstLineFromStdin();
  }
  if (password === '') throw new CliError('empty password refused; nothing changed', 1);
  return password;
}
