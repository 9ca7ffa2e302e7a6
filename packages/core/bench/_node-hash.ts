/** Benchmarks measure the Node runtime as shipped: core hashing on node:crypto, as the Node entry points install it. */
import { createHash } from 'node:crypto';
import { useSha256 } from '@kez/core';

useSha256((data) => new Uint8Array(createHash('sha256').update(data).digest()));
