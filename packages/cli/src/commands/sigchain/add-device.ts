/** `kez sigchain add-device`: let another key sign claims (and revocations) for the chain. */
import { Option } from 'commander';
import { defineCommand } from '../../command.js';
import { parseExpires } from '../../duration.js';
import { APPEND_FIELDS, appendEvent, appendOutput, resolveKey } from './_local.js';
import { signOptions } from './options.js';
import type { SignOpts } from './options.js';

export const sigchainAddDevice = defineCommand<
  SignOpts & { name?: string; expires?: string },
  [string]
>({
  group: 'sigchain',
  name: 'add-device',
  args: ['<key>'],
  summary: 'add a device key (a stored key name, key ref or npub) to your sigchain',
  description:
    'A live device may add its own claims (naming the chain key as "primary") and revoke\n' +
    'claims; it can never rotate or manage devices. It stops being live when revoked or\n' +
    'at --expires.',
  examples: [
    {
      description: 'add the stored key "laptop"',
      command: 'kez sigchain add-device laptop --name laptop',
    },
    {
      description: 'add a phone key for 90 days',
      command: 'kez sigchain add-device npub1… --name phone --expires 90d',
    },
  ],
  options: () => [
    new Option('--name <text>', 'a label for the device (at most 64 characters, public)'),
    new Option('--expires <when>', 'expiry: a duration (90d, 12h, 2w, 1y) or an ISO date'),
    ...signOptions(),
  ],
  jsonFields: [...APPEND_FIELDS, 'device'],
  async run({ args: [keyArg], opts, deps }) {
    const device = resolveKey(deps.env.home, keyArg);
    const expires = opts.expires === undefined ? undefined : parseExpires(opts.expires, deps.now());
    const r = await appendEvent(
      deps,
      opts,
      () => ({
        op: 'add_device',
        device,
        ...(opts.name === undefined ? {} : { name: opts.name }),
        ...(expires === undefined ? {} : { expires_at: expires }),
      }),
      true,
    );
    const out = appendOutput(r, `added device ${device}`);
    return { ...out, data: { ...out.data, device } };
  },
});
