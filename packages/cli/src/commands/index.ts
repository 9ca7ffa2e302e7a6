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
 *   2. add it to its group's loader in LOADERS below (one line);
 *   3. for a new group (sigchain, verify), add one line to GROUPS. Top-level commands
 *      (`kez publish`) leave `group` out and live in src/commands/<name>.ts.
 * --json, --fields and the Examples / JSON fields help sections come for free.
 */
import type { CommandModule } from '../command.js';

/** Command groups (`kez <group> <verb>`) and their one-line summaries, in help order. */
export const GROUPS: Readonly<Record<string, string>> = {
  key: 'create, import, show and export signing keys',
  claim: 'create and verify signed identity claims (offline)',
  verify: 'verify identities online: fetch their proofs and check them',
  sigchain: 'your signed history: add and revoke claims, rotate keys, manage devices',
  chat: 'kez-chat: log in with your key, rooms, signed messages, history, a terminal client',
};

/**
 * Each group's modules, loaded only when that group runs: `kez claim verify`
 * never pays for NATS or the channel plugins (a CLI start is most of a short
 * command's time, and tests and crosstest start it hundreds of times).
 * Top-level commands are their own entry. Order within a group is help order.
 */
export const LOADERS: Readonly<Record<string, () => Promise<CommandModule[]>>> = {
  key: async () => [
    (await import('./key/generate.js')).keyGenerate,
    (await import('./key/import.js')).keyImport,
    (await import('./key/show.js')).keyShow,
    (await import('./key/list.js')).keyList,
    (await import('./key/export.js')).keyExport,
  ],
  claim: async () => [
    (await import('./claim/create.js')).claimCreate,
    (await import('./claim/verify.js')).claimVerify,
  ],
  verify: async () => [
    (await import('./verify/id.js')).verifyId,
    (await import('./verify/key.js')).verifyKey,
  ],
  publish: async () => [(await import('./publish.js')).publish],
  sigchain: async () => [
    (await import('./sigchain/add.js')).sigchainAdd,
    (await import('./sigchain/revoke.js')).sigchainRevoke,
    (await import('./sigchain/rotate.js')).sigchainRotate,
    (await import('./sigchain/add-device.js')).sigchainAddDevice,
    (await import('./sigchain/revoke-device.js')).sigchainRevokeDevice,
    (await import('./sigchain/show.js')).sigchainShow,
    (await import('./sigchain/export.js')).sigchainExport,
    (await import('./sigchain/import.js')).sigchainImport,
    (await import('./sigchain/publish.js')).sigchainPublish,
    (await import('./sigchain/pull.js')).sigchainPull,
  ],
  chat: async () => [
    (await import('./chat/login.js')).chatLogin,
    (await import('./chat/rooms.js')).chatRooms,
    (await import('./chat/join.js')).chatJoin,
    (await import('./chat/leave.js')).chatLeave,
    (await import('./chat/topic.js')).chatTopic,
    (await import('./chat/send.js')).chatSend,
    (await import('./chat/history.js')).chatHistory,
    (await import('./chat/tail.js')).chatTail,
  ],
  help: async () => [(await import('./help.js')).help],
};

/** The modules a run needs: the group named by the first word, or every group (help, errors). */
export async function loadCommands(argv: readonly string[]): Promise<CommandModule[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  const one = first !== undefined && first !== 'help' ? LOADERS[first] : undefined;
  if (one) return one();
  return (await Promise.all(Object.values(LOADERS).map((load) => load()))).flat();
}
