/** Options every `kez sigchain` command that signs shares. */
import { Option } from 'commander';
import { keyNameOption, passphraseFileOption } from '../../options.js';

export interface SignOpts {
  key: string;
  chain?: string;
  passphraseFile?: string;
}

export function signOptions(): Option[] {
  return [
    keyNameOption('--key'),
    new Option(
      '--chain <keyref>',
      'the chain (its genesis key ref); default: the chain the key signs for',
    ),
    passphraseFileOption(),
  ];
}
