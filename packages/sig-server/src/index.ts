/** @kez/sig-server — an HTTP sigchain store that is never trusted. */
export {};
