export type * from './types.js';
export * from './config.js';
