// An independent reader of a Mach-O code signature, for the tests of scripts/macho-sign.mjs and of the darwin
// release binaries: written from Apple's cs_blobs.h / loader.h layouts, sharing no code with the signer. It
// parses the header and load commands, finds LC_CODE_SIGNATURE, reads the SuperBlob and its CodeDirectories,
// and recomputes every page hash over the file up to codeLimit. It also reads Apple's own signatures (the Node
// binaries from npm come signed by codesign: a SHA-1 CodeDirectory at slot 0, a SHA-256 one at 0x1000, CMS).

import { createHash } from 'node:crypto';

export interface Segment {
  name: string;
  vmaddr: bigint;
  vmsize: bigint;
  fileoff: number;
  filesize: number;
}

export interface CodeDirectory {
  slot: number;
  version: number;
  flags: number;
  hashType: number;
  hashSize: number;
  pageSize: number;
  codeLimit: number;
  nSpecialSlots: number;
  nCodeSlots: number;
  identifier: string;
  execSegBase?: bigint;
  execSegLimit?: bigint;
  execSegFlags?: bigint;
  /** Slot hashes: special[-1] is Info.plist's, special[-2] the requirements'. */
  special: Map<number, Buffer>;
  pages: Buffer[];
}

export interface Signature {
  cputype: number;
  filetype: number;
  segments: Segment[];
  dataoff: number;
  datasize: number;
  blobs: Map<number, Buffer>;
  codeDirectories: CodeDirectory[];
}

const HASHES: Record<number, { algo: string; size: number }> = { 1: { algo: 'sha1', size: 20 }, 2: { algo: 'sha256', size: 32 } };

export function readSignature(file: Buffer): Signature {
  if (file.readUInt32LE(0) !== 0xfeedfacf) throw new Error(`magic ${file.readUInt32LE(0).toString(16)}: not a 64-bit Mach-O`);
  const cputype = file.readInt32LE(4);
  const filetype = file.readUInt32LE(12);
  const ncmds = file.readUInt32LE(16);
  const segments: Segment[] = [];
  let signature: { dataoff: number; datasize: number } | undefined;
  for (let i = 0, off = 32; i < ncmds; i++) {
    const cmd = file.readUInt32LE(off);
    if (cmd === 0x19)
      segments.push({
        name: file.toString('latin1', off + 8, off + 24).split('\0')[0]!,
        vmaddr: file.readBigUInt64LE(off + 24),
        vmsize: file.readBigUInt64LE(off + 32),
        fileoff: Number(file.readBigUInt64LE(off + 40)),
        filesize: Number(file.readBigUInt64LE(off + 48)),
      });
    if (cmd === 0x1d) signature = { dataoff: file.readUInt32LE(off + 8), datasize: file.readUInt32LE(off + 12) };
    off += file.readUInt32LE(off + 4);
  }
  if (!signature) throw new Error('no LC_CODE_SIGNATURE');
  const { dataoff, datasize } = signature;
  const sb = file.subarray(dataoff, dataoff + datasize);
  if (sb.readUInt32BE(0) !== 0xfade0cc0) throw new Error('the signature is not an embedded-signature SuperBlob');
  const blobs = new Map<number, Buffer>();
  for (let i = 0; i < sb.readUInt32BE(8); i++) {
    const type = sb.readUInt32BE(12 + i * 8);
    const at = sb.readUInt32BE(16 + i * 8);
    blobs.set(type, sb.subarray(at, at + sb.readUInt32BE(at + 4)));
  }
  const codeDirectories = [...blobs].filter(([, b]) => b.readUInt32BE(0) === 0xfade0c02).map(([slot, b]) => codeDirectory(slot, b));
  return { cputype, filetype, segments, dataoff, datasize, blobs, codeDirectories };
}

function codeDirectory(slot: number, b: Buffer): CodeDirectory {
  const version = b.readUInt32BE(8);
  const hashOffset = b.readUInt32BE(16);
  const identOffset = b.readUInt32BE(20);
  const nSpecialSlots = b.readUInt32BE(24);
  const nCodeSlots = b.readUInt32BE(28);
  const hashSize = b.readUInt8(36);
  const special = new Map<number, Buffer>();
  for (let s = 1; s <= nSpecialSlots; s++) special.set(-s, b.subarray(hashOffset - s * hashSize, hashOffset - (s - 1) * hashSize));
  const pages = Array.from({ length: nCodeSlots }, (_, i) => b.subarray(hashOffset + i * hashSize, hashOffset + (i + 1) * hashSize));
  const identEnd = b.indexOf(0, identOffset);
  return {
    slot,
    version,
    flags: b.readUInt32BE(12),
    codeLimit: b.readUInt32BE(32),
    hashSize,
    hashType: b.readUInt8(37),
    pageSize: 2 ** b.readUInt8(39),
    nSpecialSlots,
    nCodeSlots,
    identifier: b.toString('utf8', identOffset, identEnd),
    ...(version >= 0x20400
      ? { execSegBase: b.readBigUInt64BE(64), execSegLimit: b.readBigUInt64BE(72), execSegFlags: b.readBigUInt64BE(80) }
      : {}),
    special,
    pages,
  };
}

/** The pages whose recomputed hash differs from the CodeDirectory's (empty: every page hash is correct). */
export function badPages(file: Buffer, cd: CodeDirectory): number[] {
  const h = HASHES[cd.hashType];
  if (!h) throw new Error(`hash type ${cd.hashType}`);
  const bad: number[] = [];
  const expected = Math.ceil(cd.codeLimit / cd.pageSize);
  if (cd.nCodeSlots !== expected) throw new Error(`${cd.nCodeSlots} code slots for ${expected} pages`);
  for (let i = 0; i < cd.nCodeSlots; i++) {
    const page = file.subarray(i * cd.pageSize, Math.min((i + 1) * cd.pageSize, cd.codeLimit));
    if (!createHash(h.algo).update(page).digest().equals(cd.pages[i]!)) bad.push(i);
  }
  return bad;
}

export const hashOf = (algo: 'sha1' | 'sha256', data: Buffer) => createHash(algo).update(data).digest();
