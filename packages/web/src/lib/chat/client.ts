/**
 * The page's kez-chat connection: @kez/chat-server's ChatClient — the CLI's
 * client, from the same code — dialled over websocket to nats-server's
 * websocket listener. It logs in by signing the server nonce with the KEZ
 * key, again on every reconnect.
 */
import { wsconnect } from '@nats-io/nats-core';
import { ChatClient } from '@kez/chat-server/protocol';
import type { ChainSource, ChatClientOptions, SyncSigner } from '@kez/chat-server/protocol';

export interface WebChatOptions {
  /** ws:// or wss:// of nats-server's websocket listener. */
  url: string;
  signer: SyncSigner;
  /** When the signer is a device key: the primary whose sigchain lists it. */
  primary?: string;
  /** Sigchains, to check that a sender's key speaks for them. */
  chains?: ChainSource;
}

/**
 * @example
 * const chat = await connectChat({ url: config.natsWsUrl, signer });
 * await chat.join('general');
 * await chat.send({ room: 'general' }, 'hello');
 */
export function connectChat({ url, ...rest }: WebChatOptions): Promise<ChatClient> {
  const opts: ChatClientOptions = {
    ...rest,
    servers: url,
    dial: wsconnect,
    name: `kez-web ${rest.signer.key.slice(0, 20)}`,
  };
  return ChatClient.connect(opts);
}
