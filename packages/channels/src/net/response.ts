/** The NetResponse every Net implementation returns (types.ts), built from a fully read body. */
import { ChannelError, KezError, parseJson } from '@kez/core';
import type { NetResponse } from '../types.js';

const decoder = new TextDecoder('utf-8');

/**
 * Wrap a status, final URL, headers and body. `json()` uses core's strict
 * parser (no duplicate keys, no lone surrogates) and turns a parse failure
 * into ChannelError bad_response naming the URL.
 *
 * @example
 * makeNetResponse(200, 'https://x.test/', new Headers(), new TextEncoder().encode('{}')).json();
 */
export function makeNetResponse(
  status: number,
  url: string,
  headers: Headers,
  body: Uint8Array,
): NetResponse {
  let text: string | undefined;
  return {
    status,
    url,
    headers,
    body,
    text() {
      text ??= decoder.decode(body);
      return text;
    },
    json() {
      try {
        return parseJson(this.text());
      } catch (e) {
        if (!(e instanceof KezError)) throw e;
        throw new ChannelError('bad_response', `${url} did not answer JSON: ${e.message}`, url, {
          cause: e,
        });
      }
    },
  };
}
