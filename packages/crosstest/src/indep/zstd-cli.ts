/** Debian's `zstd` command: the reference zstd implementation, as a second (de)compressor. */
import { spawnSync } from 'node:child_process';

function zstd(args: string[], input: Uint8Array): Buffer {
  const r = spawnSync('zstd', args, { input, maxBuffer: 1 << 20, timeout: 10_000 });
  if (r.error) throw new Error(`zstd ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(
      `zstd ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().trim().split('\n')[0]}`,
    );
  return r.stdout;
}

export function zstdCliDecompress(frame: Uint8Array): Buffer {
  return zstd(['-d', '-c', '-q'], frame);
}

/** `zstd -19` with the content checksum on (the CLI default, asked for explicitly). */
export function zstdCliCompress(data: Uint8Array): Buffer {
  return zstd(['-19', '--check', '-c', '-q'], data);
}

export interface FrameHeader {
  contentSizePresent: boolean;
  checksum: boolean;
  dictionary: boolean;
}

/** The Frame_Header_Descriptor bits (RFC 8878 §3.1.1.1.1), read here without core. */
export function frameHeader(frame: Uint8Array): FrameHeader {
  if (
    frame.length < 5 ||
    frame[0] !== 0x28 ||
    frame[1] !== 0xb5 ||
    frame[2] !== 0x2f ||
    frame[3] !== 0xfd
  )
    throw new Error('not a zstd frame (bad magic)');
  const fhd = frame[4]!;
  const fcsFlag = fhd >> 6;
  const single = (fhd >> 5) & 1;
  return {
    contentSizePresent: fcsFlag !== 0 || single === 1,
    checksum: ((fhd >> 2) & 1) === 1,
    dictionary: (fhd & 3) !== 0,
  };
}
