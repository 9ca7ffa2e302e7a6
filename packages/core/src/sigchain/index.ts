export {
  EVENT_OPS,
  MAX_DEVICE_NAME,
  MAX_REVOKE_REASON,
  createEvent,
  eventId,
  parseEvent,
} from './event.js';
export type {
  AddDeviceEvent,
  AddEvent,
  ChainEvent,
  EventFields,
  EventOp,
  RevokeDeviceEvent,
  RevokeEvent,
  RotateEvent,
} from './event.js';
export { EVENT_FAULTS } from './faults.js';
export type { EventFault } from './faults.js';
export type * from './state.js';
export { extendChain, validateChain } from './validate.js';
export type { ExtendOptions, ValidateOptions } from './validate.js';
export { judgeClaim } from './judge.js';
export type { ChainVerdict } from './judge.js';
export { roleAt } from './rules.js';
export type { KeyRole } from './rules.js';
export * from './bundle.js';
export * from './summary.js';
