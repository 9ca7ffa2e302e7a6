/**
 * @kez/chat-server — kez-chat on NATS: the auth_callout responder that logs
 * people in by KEZ key, the room service, and the client library.
 */
export {};
