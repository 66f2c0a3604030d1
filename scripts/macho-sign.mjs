// Ad-hoc code signature for a thin 64-bit Mach-O executable, on any OS (no codesign or ldid needed): what
// `codesign --sign - FILE` writes for an executable without Info.plist or entitlements. Apple Silicon refuses to
// run an unsigned binary, and an ad-hoc signature is all it asks of one downloaded by a tool such as krew.
//
// The input must carry no signature (remove Node's with macho-unsign first), and its __LINKEDIT must be the last
// segment and end at the end of the file (as Node's binary has it, before and after postject's injection). The
// signature goes at the end of the file, 16-byte aligned:
//   LC_CODE_SIGNATURE {dataoff, datasize}, appended after the last load command (the header has room: Node's
//     binary came with one);
//   __LINKEDIT grown to cover it (filesize to the end of the file, vmsize rounded up to 16 KiB pages);
//   a SuperBlob (CSMAGIC_EMBEDDED_SIGNATURE) of
//     - a CodeDirectory (version 0x20400, flags CS_ADHOC, SHA-256, 4096-byte pages, one hash per page of the
//       file up to the signature (codeLimit = dataoff), the identifier, execSeg = __TEXT's file range, with
//       CS_EXECSEG_MAIN_BINARY for an executable; special slots: -1 Info.plist (none: zeros), -2 requirements),
//     - an empty requirements set (CSMAGIC_REQUIREMENTS with no entry).
// All signature structures are big-endian; the Mach-O header and load commands are little-endian (arm64, x86_64).
//
// Usage: node scripts/macho-sign.mjs FILE [IDENTIFIER]   (identifier: default the file's name, as codesign)

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MH_MAGIC_64 = 0xfeedfacf;
export const MH_EXECUTE = 2;
export const LC_SEGMENT_64 = 0x19;
export const LC_CODE_SIGNATURE = 0x1d;
export const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
export const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
export const CSMAGIC_REQUIREMENTS = 0xfade0c01;
export const CSSLOT_CODEDIRECTORY = 0;
export const CSSLOT_REQUIREMENTS = 2;
export const CS_ADHOC = 0x2;
export const CS_HASHTYPE_SHA256 = 2;
export const CS_EXECSEG_MAIN_BINARY = 0x1;
export const PAGE_SIZE = 4096;
const CD_VERSION = 0x20400; // with execSeg fields
const CD_HEADER = 88; // the CodeDirectory's fixed fields up to execSegFlags, version 0x20400
const SEGMENT_PAGE = 0x4000; // arm64's VM page; a multiple of x86_64's
const HASH = 32;

const align = (n, to) => Math.ceil(n / to) * to;
const sha256 = (data) => createHash('sha256').update(data).digest();

/** The 64-bit load commands of a thin Mach-O: [{cmd, offset, size, segname?}]. Throws on anything else. */
export function loadCommands(buf) {
  if (buf.length < 32 || buf.readUInt32LE(0) !== MH_MAGIC_64)
    throw new Error('not a thin 64-bit little-endian Mach-O (a universal binary must be split first)');
  const ncmds = buf.readUInt32LE(16);
  const sizeofcmds = buf.readUInt32LE(20);
  const cmds = [];
  let off = 32;
  for (let i = 0; i < ncmds; i++) {
    const cmd = buf.readUInt32LE(off);
    const size = buf.readUInt32LE(off + 4);
    if (size < 8 || off + size > 32 + sizeofcmds) throw new Error(`load command ${i} runs past the header`);
    const entry = { cmd, offset: off, size };
    if (cmd === LC_SEGMENT_64) {
      entry.segname = buf.toString('latin1', off + 8, off + 24).replace(/\0.*$/s, '');
      entry.fileoff = Number(buf.readBigUInt64LE(off + 40));
      entry.filesize = Number(buf.readBigUInt64LE(off + 48));
      entry.nsects = buf.readUInt32LE(off + 64);
    }
    cmds.push(entry);
    off += size;
  }
  return cmds;
}

/** The first byte of section data: where the room for more load commands ends. */
function firstSectionData(buf, cmds) {
  let first = buf.length;
  for (const c of cmds.filter((c) => c.cmd === LC_SEGMENT_64)) {
    for (let s = 0; s < c.nsects; s++) {
      const at = c.offset + 72 + s * 80;
      const offset = buf.readUInt32LE(at + 48);
      const size = Number(buf.readBigUInt64LE(at + 40));
      const type = buf.readUInt32LE(at + 64) & 0xff;
      if (offset && size && type !== 0x1 /* S_ZEROFILL */ && type !== 0xc /* S_GB_ZEROFILL */) first = Math.min(first, offset);
    }
  }
  return first;
}

function codeDirectory({ identifier, pages, requirementsHash, execSegBase, execSegLimit, execSegFlags, codeLimit }) {
  const ident = Buffer.from(`${identifier}\0`, 'utf8');
  const nSpecial = 2;
  const hashOffset = CD_HEADER + ident.length + nSpecial * HASH;
  const cd = Buffer.alloc(hashOffset + pages.length * HASH);
  cd.writeUInt32BE(CSMAGIC_CODEDIRECTORY, 0);
  cd.writeUInt32BE(cd.length, 4);
  cd.writeUInt32BE(CD_VERSION, 8);
  cd.writeUInt32BE(CS_ADHOC, 12);
  cd.writeUInt32BE(hashOffset, 16);
  cd.writeUInt32BE(CD_HEADER, 20); // identOffset
  cd.writeUInt32BE(nSpecial, 24);
  cd.writeUInt32BE(pages.length, 28);
  cd.writeUInt32BE(codeLimit, 32);
  cd.writeUInt8(HASH, 36);
  cd.writeUInt8(CS_HASHTYPE_SHA256, 37);
  cd.writeUInt8(0, 38); // platform
  cd.writeUInt8(Math.log2(PAGE_SIZE), 39);
  // 40 spare2, 44 scatterOffset, 48 teamOffset, 52 spare3, 56 codeLimit64: 0
  cd.writeBigUInt64BE(BigInt(execSegBase), 64);
  cd.writeBigUInt64BE(BigInt(execSegLimit), 72);
  cd.writeBigUInt64BE(BigInt(execSegFlags), 80);
  ident.copy(cd, CD_HEADER);
  requirementsHash.copy(cd, hashOffset - CSSLOT_REQUIREMENTS * HASH); // slot -2; slot -1 (Info.plist) stays zero
  pages.forEach((h, i) => h.copy(cd, hashOffset + i * HASH));
  return cd;
}

/** Empty requirement set: codesign's `--sign -` without -r writes this. */
export function emptyRequirements() {
  const r = Buffer.alloc(12);
  r.writeUInt32BE(CSMAGIC_REQUIREMENTS, 0);
  r.writeUInt32BE(12, 4);
  r.writeUInt32BE(0, 8);
  return r;
}

/** The signed copy of an unsigned thin 64-bit Mach-O (a new Buffer; the input is not changed). */
export function adhocSign(input, identifier) {
  if (!identifier) throw new Error('an identifier is needed (codesign uses the file name)');
  const cmds = loadCommands(input);
  if (cmds.some((c) => c.cmd === LC_CODE_SIGNATURE)) throw new Error('already signed: remove the signature first (macho-unsign)');
  const segments = cmds.filter((c) => c.cmd === LC_SEGMENT_64);
  const text = segments.find((c) => c.segname === '__TEXT');
  const linkedit = segments.find((c) => c.segname === '__LINKEDIT');
  if (!text || !linkedit) throw new Error('no __TEXT or no __LINKEDIT segment');
  if (linkedit.fileoff + linkedit.filesize !== input.length || segments.some((s) => s.fileoff > linkedit.fileoff))
    throw new Error('__LINKEDIT is not the last segment ending at the end of the file');
  const sizeofcmds = input.readUInt32LE(20);
  const lcAt = 32 + sizeofcmds;
  if (lcAt + 16 > firstSectionData(input, cmds) || input.subarray(lcAt, lcAt + 16).some((b) => b !== 0))
    throw new Error('no room after the load commands for LC_CODE_SIGNATURE');

  const requirements = emptyRequirements();
  const dataoff = align(input.length, 16);
  const nPages = Math.ceil(dataoff / PAGE_SIZE);
  const cdLength = CD_HEADER + Buffer.byteLength(`${identifier}\0`) + (2 + nPages) * HASH;
  const blobLength = 12 + 2 * 8 + cdLength + requirements.length;
  const datasize = align(blobLength, 16);

  const out = Buffer.alloc(dataoff + datasize);
  input.copy(out);
  out.writeUInt32LE(input.readUInt32LE(16) + 1, 16); // ncmds
  out.writeUInt32LE(sizeofcmds + 16, 20);
  out.writeUInt32LE(LC_CODE_SIGNATURE, lcAt);
  out.writeUInt32LE(16, lcAt + 4);
  out.writeUInt32LE(dataoff, lcAt + 8);
  out.writeUInt32LE(datasize, lcAt + 12);
  const linkeditSize = out.length - linkedit.fileoff;
  out.writeBigUInt64LE(BigInt(linkeditSize), linkedit.offset + 48); // filesize
  const vmsize = Number(input.readBigUInt64LE(linkedit.offset + 32));
  out.writeBigUInt64LE(BigInt(Math.max(vmsize, align(linkeditSize, SEGMENT_PAGE))), linkedit.offset + 32);

  const pages = [];
  for (let p = 0; p < dataoff; p += PAGE_SIZE) pages.push(sha256(out.subarray(p, Math.min(p + PAGE_SIZE, dataoff))));
  const cd = codeDirectory({
    identifier,
    pages,
    requirementsHash: sha256(requirements),
    execSegBase: text.fileoff,
    execSegLimit: text.filesize,
    execSegFlags: input.readUInt32LE(12) === MH_EXECUTE ? CS_EXECSEG_MAIN_BINARY : 0,
    codeLimit: dataoff,
  });
  let at = dataoff;
  at = out.writeUInt32BE(CSMAGIC_EMBEDDED_SIGNATURE, at);
  at = out.writeUInt32BE(blobLength, at);
  at = out.writeUInt32BE(2, at);
  at = out.writeUInt32BE(CSSLOT_CODEDIRECTORY, at);
  at = out.writeUInt32BE(28, at);
  at = out.writeUInt32BE(CSSLOT_REQUIREMENTS, at);
  at = out.writeUInt32BE(28 + cd.length, at);
  at += cd.copy(out, at);
  requirements.copy(out, at);
  return out;
}

/** Signs FILE in place. */
export function signFile(file, identifier = basename(file)) {
  writeFileSync(file, adhocSign(readFileSync(file), identifier));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, identifier] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node scripts/macho-sign.mjs FILE [IDENTIFIER]');
    process.exitCode = 2;
  } else signFile(file, identifier);
}
