/**
 * Terminal behaviour, in-process through runCli with fake streams (style §6
 * rule 20): colour only on a TTY without NO_COLOR, the spinner only on a stderr
 * TTY, and passphrase prompts that read the terminal without echo.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { formatKeyRef, getSuite, nsecEncode } from '@kez/core';
import { runCli } from '../src/cli.js';
import type { InStream, Io } from '../src/deps.js';
import { startSpinner } from '../src/output.js';
import { tempHome } from './run-kez.js';

const { home, cleanup } = tempHome();
after(cleanup);
const ESC = '\x1b[';

class Sink {
  text = '';
  onWrite: ((s: string) => void) | undefined;
  constructor(readonly isTTY: boolean) {}
  write(s: string) {
    this.text += s;
    this.onWrite?.(s);
    return true;
  }
}

/** A fake terminal: answers each prompt written to stderr with the next line of `answers`. */
function terminal(tty: boolean, answers: string[] = []) {
  const stdout = new Sink(tty);
  const stderr = new Sink(tty);
  const stdin = Object.assign(new PassThrough(), {
    isTTY: tty,
    setRawMode: () => stdin,
  }) as unknown as InStream & PassThrough;
  const asked: string[] = [];
  stderr.onWrite = (s) => {
    if (/(Passphrase|passphrase|Repeat it|Secret key).*: $/.test(s)) {
      asked.push(s);
      // Typed after the prompt is up, one key at a time; the echo must stay off.
      setImmediate(() => stdin.write(`${answers.shift() ?? ''}\r`));
    }
  };
  const io: Io = { stdout, stderr, stdin };
  return { io, stdout, stderr, asked };
}

const env = (extra: Record<string, string> = {}) => ({
  KEZ_HOME: home,
  KEZ_SCRYPT_LOG_N: '10',
  ...extra,
});

describe('colour and spinner', () => {
  let claimFile = '';
  before(async () => {
    const t = terminal(false);
    assert.equal(await runCli(['key', 'generate', '--name', 'c'], t.io, env()), 0, t.stderr.text);
    claimFile = join(home, 'c.txt');
    assert.equal(
      await runCli(
        ['claim', 'create', 'dns:example.com', '--key', 'c', '--out', claimFile],
        t.io,
        env(),
      ),
      0,
    );
  });

  test('a TTY gets colour; NO_COLOR or a pipe gets none', async () => {
    const tty = terminal(true);
    assert.equal(await runCli(['claim', 'verify', claimFile], tty.io, env()), 0);
    assert.ok(tty.stdout.text.includes(ESC), 'expected ANSI colour on a TTY');
    assert.match(tty.stdout.text, /valid/);

    const noColor = terminal(true);
    assert.equal(
      await runCli(['claim', 'verify', claimFile], noColor.io, env({ NO_COLOR: '1' })),
      0,
    );
    assert.ok(!noColor.stdout.text.includes(ESC));
    assert.equal(
      noColor.stdout.text.replace(/\S+\.txt/, ''),
      tty.stdout.text
        .replace(new RegExp(`${ESC.replace('[', '\\[')}[0-9;]*m`, 'g'), '')
        .replace(/\S+\.txt/, ''),
    );

    const pipe = terminal(false);
    assert.equal(await runCli(['claim', 'verify', claimFile], pipe.io, env()), 0);
    assert.ok(!pipe.stdout.text.includes(ESC));
  });

  test('the error line is coloured only on a TTY without NO_COLOR', async () => {
    const tty = terminal(true);
    assert.equal(await runCli(['key', 'show', '--name', 'none'], tty.io, env()), 4);
    assert.ok(tty.stderr.text.includes(ESC));
    const plain = terminal(true);
    await runCli(['key', 'show', '--name', 'none'], plain.io, env({ NO_COLOR: '1' }));
    assert.match(plain.stderr.text, /^kez: no key named "none" .*\(key_not_found\)\nhint: /);
  });

  test('the spinner draws on a stderr TTY and clears its line; elsewhere it is silent', () => {
    const tty = terminal(true);
    const s = startSpinner({ io: tty.io, env: { noColor: true } as never }, 'fetching');
    s.update('still fetching');
    s.stop();
    assert.match(tty.stderr.text, /fetching/);
    assert.match(tty.stderr.text, /still fetching/);
    assert.ok(tty.stderr.text.endsWith('\r\x1b[K'));
    assert.equal(tty.stdout.text, '');
    const pipe = terminal(false);
    const p = startSpinner({ io: pipe.io, env: { noColor: true } as never }, 'fetching');
    p.stop();
    assert.equal(pipe.stderr.text, '');
  });
});

describe('passphrase prompts on a terminal', () => {
  const plain = () => env({ NO_COLOR: '1' });
  test('generate --encrypt asks twice, without echo, and stores an encrypted key', async () => {
    const t = terminal(true, ['tty pass', 'tty pass']);
    assert.equal(
      await runCli(['key', 'generate', '--name', 'p', '--encrypt'], t.io, plain()),
      0,
      t.stderr.text,
    );
    assert.deepEqual(t.asked, ['New passphrase for key "p": ', 'Repeat it: ']);
    assert.ok(!t.stderr.text.includes('tty pass') && !t.stdout.text.includes('tty pass'));
    const file = JSON.parse(readFileSync(join(home, 'keys', 'p.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.equal(typeof file.encrypted, 'string');
    assert.equal(file.secret, undefined);
  });

  test('the prompt unlocks the key; a wrong answer is exit 4', async () => {
    const ok = terminal(true, ['tty pass']);
    assert.equal(
      await runCli(['claim', 'create', 'dns:example.com', '--key', 'p'], ok.io, plain()),
      0,
      ok.stderr.text,
    );
    assert.deepEqual(ok.asked, ['Passphrase for key "p": ']);
    assert.match(ok.stdout.text, /^kez:z1:/);
    const bad = terminal(true, ['nope']);
    assert.equal(
      await runCli(['claim', 'create', 'dns:example.com', '--key', 'p'], bad.io, plain()),
      4,
    );
    assert.match(bad.stderr.text, /kez: wrong passphrase for key "p"/);
  });

  test('two different answers are refused', async () => {
    const t = terminal(true, ['one', 'two']);
    assert.equal(await runCli(['key', 'generate', '--name', 'q', '--encrypt'], t.io, plain()), 4);
    assert.match(t.stderr.text, /kez: the two passphrases differ \(bad_passphrase\)/);
  });

  test('key import - on a terminal asks for the secret without echo', async () => {
    const sk = getSuite('nostr').generateSecretKey();
    const t = terminal(true, [nsecEncode(sk)]);
    assert.equal(
      await runCli(['key', 'import', '-', '--name', 'typed', '--json'], t.io, plain()),
      0,
    );
    assert.deepEqual(t.asked, ['Secret key: ']);
    assert.ok(!t.stderr.text.includes(nsecEncode(sk)));
    const info = JSON.parse(t.stdout.text) as { public: string };
    assert.equal(info.public, formatKeyRef('nostr', getSuite('nostr').getPublicKey(sk)));
    // An all-zero secret is not a valid secp256k1 key: refused as bad input.
    const zero = terminal(true, [nsecEncode(new Uint8Array(32))]);
    assert.equal(await runCli(['key', 'import', '-', '--name', 'zero'], zero.io, plain()), 2);
    assert.match(
      zero.stderr.text,
      /kez: nostr secret key is out of range for its curve \(malformed\)/,
    );
  });

  test('no terminal and no passphrase source: exit 4 with a hint, no hang', async () => {
    const t = terminal(false);
    assert.equal(
      await runCli(['claim', 'create', 'dns:example.com', '--key', 'p'], t.io, plain()),
      4,
    );
    assert.match(
      t.stderr.text,
      /^kez: key "p" is encrypted and no passphrase was given \(no_passphrase\)\nhint: /,
    );
  });
});
