export { startWebServer } from './web-server.js';
export type { WebServer, WebServerOptions } from './web-server.js';
export { createFetchRelay } from './fetch-relay.js';
export type { FetchRelayOptions, RelayHandler } from './fetch-relay.js';
export { resolveStatic } from './static-files.js';
