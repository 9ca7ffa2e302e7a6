/** `kez key show`: the public facts about one stored key. */
import { defineCommand } from '../../command.js';
import { describeKey } from '../../key-material.js';
import { KeyStore } from '../../key-store.js';
import { keyNameOption } from '../../options.js';
import { KEY_FIELDS, formatKeyInfo } from './_key-info.js';

interface Opts {
  name: string;
}

export const keyShow = defineCommand<Opts>({
  group: 'key',
  name: 'show',
  summary: 'show a key: suite, key ref, npub, file, encrypted or not',
  examples: [
    { description: 'the default key', command: 'kez key show' },
    {
      description: 'just the npub of key "work"',
      command: 'kez key show --name work --fields npub',
    },
  ],
  options: () => [keyNameOption()],
  jsonFields: KEY_FIELDS,
  async run({ opts, deps }) {
    const store = new KeyStore(deps.env.home);
    const info = describeKey(store.read(opts.name), store.pathOf(opts.name));
    return { data: { ...info }, human: (c) => formatKeyInfo(info, c) };
  },
});
