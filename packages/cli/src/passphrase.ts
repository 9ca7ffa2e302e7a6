/**
 * Where passphrases come from, in order: a `--passphrase-file`, the
 * environment, a no-echo prompt when stdin and stderr are a terminal — else a
 * clear error (exit 4), never a hang waiting on a pipe.
 */
import { readFileSync } from 'node:fs';
import type { Deps, Io } from './deps.js';
import { LocalError } from './errors.js';

export interface PassphraseSources {
  /** `--passphrase-file`: unlocks keys; also encrypts when no new passphrase is given. */
  file?: string | undefined;
  /** `--new-passphrase-file`: the passphrase to encrypt with. */
  newFile?: string | undefined;
}

const HINT =
  'pass --passphrase-file <file> or set KEZ_PASSPHRASE (or run in a terminal to be asked)';

/**
 * The passphrase that unlocks an encrypted key: --passphrase-file, $KEZ_PASSPHRASE, prompt.
 * @example await unlockPassphrase(deps, { file: opts.passphraseFile }, 'key "default"')
 */
export async function unlockPassphrase(
  deps: Deps,
  src: PassphraseSources,
  what: string,
): Promise<string> {
  if (src.file !== undefined) return readPassphraseFile(src.file);
  if (deps.env.passphrase !== undefined) return nonEmpty(deps.env.passphrase, 'KEZ_PASSPHRASE');
  if (canPrompt(deps.io))
    return nonEmpty(await promptHidden(deps.io, `Passphrase for ${what}: `), 'the passphrase');
  throw new LocalError('no_passphrase', `${what} is encrypted and no passphrase was given`, HINT);
}

/**
 * The passphrase to encrypt with: --new-passphrase-file, $KEZ_NEW_PASSPHRASE,
 * then the unlock sources (--passphrase-file, $KEZ_PASSPHRASE), then a prompt asked twice.
 * @example await newPassphrase(deps, {}, 'the new key')
 */
export async function newPassphrase(
  deps: Deps,
  src: PassphraseSources,
  what: string,
): Promise<string> {
  if (src.newFile !== undefined) return readPassphraseFile(src.newFile);
  if (deps.env.newPassphrase !== undefined)
    return nonEmpty(deps.env.newPassphrase, 'KEZ_NEW_PASSPHRASE');
  if (src.file !== undefined) return readPassphraseFile(src.file);
  if (deps.env.passphrase !== undefined) return nonEmpty(deps.env.passphrase, 'KEZ_PASSPHRASE');
  if (canPrompt(deps.io)) {
    const a = nonEmpty(
      await promptHidden(deps.io, `New passphrase for ${what}: `),
      'the passphrase',
    );
    const b = await promptHidden(deps.io, 'Repeat it: ');
    if (a !== b) throw new LocalError('bad_passphrase', 'the two passphrases differ');
    return a;
  }
  throw new LocalError(
    'no_passphrase',
    `a passphrase is needed to encrypt ${what} and none was given`,
    'pass --passphrase-file <file> or set KEZ_PASSPHRASE / KEZ_NEW_PASSPHRASE',
  );
}

function readPassphraseFile(path: string): string {
  // One trailing newline is the file's line end, not part of the passphrase.
  const text = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  return nonEmpty(text, `passphrase file ${path}`);
}

function nonEmpty(p: string, what: string): string {
  if (p === '') throw new LocalError('no_passphrase', `${what} is empty`);
  return p;
}

function canPrompt(io: Io): boolean {
  return io.stdin.isTTY === true && io.stderr.isTTY === true && io.stdin.setRawMode !== undefined;
}

/**
 * Ask on stderr and read a line from the terminal without echoing it.
 * @example const p = await promptHidden(io, 'Passphrase: ')
 */
export function promptHidden(io: Io, question: string): Promise<string> {
  const stdin = io.stdin;
  io.stderr.write(question);
  return new Promise((resolve, reject) => {
    let buf = '';
    const finish = (err: Error | undefined) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      if (err) reject(err);
      else resolve(buf);
    };
    const onData = (chunk: string | Uint8Array) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') return finish(undefined);
        // Raw mode turns Ctrl-C and Ctrl-D into plain bytes; treat them as "cancel".
        if (ch === '\u0003' || (ch === '\u0004' && buf === ''))
          return finish(new LocalError('no_passphrase', 'passphrase entry cancelled'));
        if (ch === '\u0004') return finish(undefined);
        if (ch === '\u007f' || ch === '\b') buf = Array.from(buf).slice(0, -1).join('');
        else if (ch >= ' ') buf += ch;
      }
    };
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}
