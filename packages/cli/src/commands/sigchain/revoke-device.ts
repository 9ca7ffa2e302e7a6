/** `kez sigchain revoke-device`: a device may sign nothing more; its claims verify as revoked. */
import { defineCommand } from '../../command.js';
import { APPEND_FIELDS, appendEvent, appendOutput, resolveKey } from './_local.js';
import { signOptions } from './options.js';
import type { SignOpts } from './options.js';

export const sigchainRevokeDevice = defineCommand<SignOpts, [string]>({
  group: 'sigchain',
  name: 'revoke-device',
  args: ['<key>'],
  summary: 'revoke a device key (stored key name, key ref or npub); its claims become revoked',
  examples: [
    { description: 'revoke the device "laptop"', command: 'kez sigchain revoke-device laptop' },
  ],
  options: signOptions,
  jsonFields: [...APPEND_FIELDS, 'device'],
  async run({ args: [keyArg], opts, deps }) {
    const device = resolveKey(deps.env.home, keyArg);
    const r = await appendEvent(deps, opts, () => ({ op: 'revoke_device', device }), false);
    const out = appendOutput(r, `revoked device ${device}`);
    return { ...out, data: { ...out.data, device } };
  },
});
