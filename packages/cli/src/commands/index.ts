/**
 * The command registry: every `kez` command is one module in this list.
 *
 * To add a command (say `kez sigchain add`):
 *   1. create src/commands/sigchain/add.ts exporting
 *        export const sigchainAdd = defineCommand({ group: 'sigchain', name: 'add', args: […],
 *          summary, examples, options: () => [new Option(…)], jsonFields, async run({ args, opts, deps }) { … } });
 *      `run` returns `{ data, human, exitCode? }`; output.ts prints it (human text or --json),
 *      and throws UsageError / LocalError / core's InputError for failures (cli.ts maps them to
 *      exit codes). Use `deps.now()`, `deps.env`, `deps.io` — never process.* directly.
 *   2. import it below and add it to COMMANDS (one line);
 *   3. for a new group (sigchain, verify), add one line to GROUPS. Top-level commands
 *      (`kez publish`) leave `group` out and live in src/commands/<name>.ts.
 * --json, --fields and the Examples / JSON fields help sections come for free.
 */
import type { CommandModule } from '../command.js';
import { chatHistory } from './chat/history.js';
import { chatJoin } from './chat/join.js';
import { chatLeave } from './chat/leave.js';
import { chatLogin } from './chat/login.js';
import { chatRooms } from './chat/rooms.js';
import { chatSend } from './chat/send.js';
import { chatTail } from './chat/tail.js';
import { chatTopic } from './chat/topic.js';
import { claimCreate } from './claim/create.js';
import { claimVerify } from './claim/verify.js';
import { help } from './help.js';
import { keyExport } from './key/export.js';
import { keyGenerate } from './key/generate.js';
import { keyImport } from './key/import.js';
import { keyList } from './key/list.js';
import { keyShow } from './key/show.js';
import { publish } from './publish.js';
import { sigchainAddDevice } from './sigchain/add-device.js';
import { sigchainAdd } from './sigchain/add.js';
import { sigchainExport } from './sigchain/export.js';
import { sigchainImport } from './sigchain/import.js';
import { sigchainPublish } from './sigchain/publish.js';
import { sigchainPull } from './sigchain/pull.js';
import { sigchainRevokeDevice } from './sigchain/revoke-device.js';
import { sigchainRevoke } from './sigchain/revoke.js';
import { sigchainRotate } from './sigchain/rotate.js';
import { sigchainShow } from './sigchain/show.js';
import { verifyId } from './verify/id.js';
import { verifyKey } from './verify/key.js';

/** Command groups (`kez <group> <verb>`) and their one-line summaries, in help order. */
export const GROUPS: Readonly<Record<string, string>> = {
  key: 'create, import, show and export signing keys',
  claim: 'create and verify signed identity claims (offline)',
  verify: 'verify identities online: fetch their proofs and check them',
  sigchain: 'your signed history: add and revoke claims, rotate keys, manage devices',
  chat: 'kez-chat: log in with your key, rooms, signed messages, history, a terminal client',
};

export const COMMANDS: readonly CommandModule[] = [
  keyGenerate,
  keyImport,
  keyShow,
  keyList,
  keyExport,
  claimCreate,
  claimVerify,
  verifyId,
  verifyKey,
  publish,
  sigchainAdd,
  sigchainRevoke,
  sigchainRotate,
  sigchainAddDevice,
  sigchainRevokeDevice,
  sigchainShow,
  sigchainExport,
  sigchainImport,
  sigchainPublish,
  sigchainPull,
  chatLogin,
  chatRooms,
  chatJoin,
  chatLeave,
  chatTopic,
  chatSend,
  chatHistory,
  chatTail,
  help,
];
