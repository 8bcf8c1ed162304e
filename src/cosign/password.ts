/**
 * Where a key password comes from, in cosign's order: COSIGN_PASSWORD (empty allowed), then a
 * password file, then an interactive prompt. Never a command-line flag: argv is visible to
 * every user on the machine and lands in shell history.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CosignError } from './errors.js';

export interface PasswordSource {
  /** Environment to read COSIGN_PASSWORD from (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  /** A file whose first line is the password (trailing newline stripped). */
  passwordFile?: string;
  /** Prompt on the terminal when neither of the above is set and stdin is a TTY. */
  prompt?: (question: string) => Promise<string>;
  /** Ask twice and compare (key generation). */
  confirm?: boolean;
  /** What the password is for, shown in the prompt. */
  purpose?: string;
}

export async function resolvePassword(src: PasswordSource): Promise<Uint8Array> {
  const env = src.env ?? process.env;
  if (env.COSIGN_PASSWORD !== undefined) return Buffer.from(env.COSIGN_PASSWORD, 'utf8');
  if (src.passwordFile) {
    let text: string;
    try {
      text = await readFile(src.passwordFile, 'utf8');
    } catch (err) {
      throw new CosignError(
        'PASSWORD_UNAVAILABLE',
        `cannot read password file ${src.passwordFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    return Buffer.from(text.replace(/\r?\n$/, ''), 'utf8');
  }
  const prompt = src.prompt ?? (process.stdin.isTTY ? promptHidden : undefined);
  if (!prompt) {
    throw new CosignError(
      'PASSWORD_UNAVAILABLE',
      `no password for ${src.purpose ?? 'the key'}: set COSIGN_PASSWORD or pass --password-file (stdin is not a terminal, so ocilab cannot prompt)`,
    );
  }
  const first = await prompt(`Enter password for ${src.purpose ?? 'private key'}: `);
  if (src.confirm) {
    const again = await prompt(`Enter password for ${src.purpose ?? 'private key'} again: `);
    if (again !== first) throw new CosignError('PASSWORD_UNAVAILABLE', 'passwords do not match');
  }
  return Buffer.from(first, 'utf8');
}

/** Read a line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const internals = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream };
    let muted = false;
    // Show the question, then swallow the echo of typed characters.
    internals._writeToOutput = (s: string) => {
      if (!muted) internals.output.write(s);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
    rl.on('SIGINT', () => {
      rl.close();
      process.stderr.write('\n');
      reject(new CosignError('PASSWORD_UNAVAILABLE', 'password prompt interrupted'));
    });
  });
}
