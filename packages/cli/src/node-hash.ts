/** Node runs core's hashing on node:crypto's native SHA-256 (core checks it against known answers first). */
import { createHash } from 'node:crypto';
import { useSha256 } from '@kez/core';

useSha256((data) => new Uint8Array(createHash('sha256').update(data).digest()));
