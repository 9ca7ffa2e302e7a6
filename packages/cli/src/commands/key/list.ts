/** `kez key list`: every key in the store, one per line. */
import { defineCommand } from '../../command.js';
import { describeKey } from '../../key-material.js';
import type { KeyInfo } from '../../key-material.js';
import { KeyStore } from '../../key-store.js';

export const keyList = defineCommand({
  group: 'key',
  name: 'list',
  summary: 'list the keys in $KEZ_HOME/keys',
  examples: [
    { description: 'all keys', command: 'kez key list' },
    { description: 'as JSON', command: 'kez key list --json' },
  ],
  jsonFields: ['home', 'keys'],
  async run({ deps }) {
    const store = new KeyStore(deps.env.home);
    const keys: KeyInfo[] = store.names().map((n) => describeKey(store.read(n), store.pathOf(n)));
    return {
      data: { home: store.home, keys },
      human: (c) => {
        if (keys.length === 0)
          return `no keys in ${store.dir} ${c.dim('(create one: kez key generate)')}`;
        const w = Math.max(...keys.map((k) => k.name.length));
        return keys
          .map(
            (k) =>
              `${k.name.padEnd(w)}  ${k.suite.padEnd(7)}  ${k.npub ?? k.public}` +
              (k.encrypted ? c.dim('  (encrypted)') : ''),
          )
          .join('\n');
      },
    };
  },
});
