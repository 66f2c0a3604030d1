// scripts/macho-sign.mjs on small synthetic Mach-O executables, read back by the independent parser of
// test/helpers/macho.ts (test/release/darwin.test.ts does the same on the real darwin binaries, and checks their
// load commands with python3-macholib).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adhocSign } from '../../../scripts/macho-sign.mjs';
import { badPages, readSignature } from '../../helpers/macho.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

/**
 * A thin arm64 MH_EXECUTE: __PAGEZERO, __TEXT (one section of code at 0x1000), __LINKEDIT from `linkeditAt` to
 * the end, `size` bytes of patterned content. `signed` adds an LC_CODE_SIGNATURE command (pointing nowhere useful).
 */
function machO({
  size,
  linkeditAt = 0x2000,
  signed = false,
  roomy = true,
}: {
  size: number;
  linkeditAt?: number;
  signed?: boolean;
  roomy?: boolean;
}) {
  const b = Buffer.alloc(size);
  for (let i = 0x1000; i < size; i++) b[i] = (i * 7 + (i >> 12)) & 0xff;
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeUInt32LE(0x0100000c, 4); // CPU_TYPE_ARM64
  b.writeUInt32LE(0, 8);
  b.writeUInt32LE(2, 12); // MH_EXECUTE
  let off = 32;
  const segment = (name: string, vmaddr: number, vmsize: number, fileoff: number, filesize: number, sections: number) => {
    b.writeUInt32LE(0x19, off);
    b.writeUInt32LE(72 + sections * 80, off + 4);
    b.write(name, off + 8, 'latin1');
    b.writeBigUInt64LE(BigInt(vmaddr), off + 24);
    b.writeBigUInt64LE(BigInt(vmsize), off + 32);
    b.writeBigUInt64LE(BigInt(fileoff), off + 40);
    b.writeBigUInt64LE(BigInt(filesize), off + 48);
    b.writeUInt32LE(sections, off + 64);
    off += 72;
    for (let s = 0; s < sections; s++, off += 80) {
      b.write('__text', off, 'latin1');
      b.write(name, off + 16, 'latin1');
      b.writeBigUInt64LE(BigInt(vmaddr + 0x1000), off + 32);
      b.writeBigUInt64LE(0x100n, off + 40); // size
      b.writeUInt32LE(roomy ? 0x1000 : off + 80 + 8, off + 48); // offset of the section's data
    }
  };
  segment('__PAGEZERO', 0, 0x100000000, 0, 0, 0);
  segment('__TEXT', 0x100000000, linkeditAt, 0, linkeditAt, 1);
  segment('__LINKEDIT', 0x100000000 + linkeditAt, 0x4000, linkeditAt, size - linkeditAt, 0);
  let ncmds = 3;
  if (signed) {
    b.writeUInt32LE(0x1d, off);
    b.writeUInt32LE(16, off + 4);
    off += 16;
    ncmds++;
  }
  b.writeUInt32LE(ncmds, 16);
  b.writeUInt32LE(off - 32, 20);
  return b;
}

describe('adhocSign', () => {
  it.each([
    ['a file ending on a page boundary', 0x3000, 3],
    ['a file ending mid-page', 0x3000 + 123, 4], // padded to 16 bytes, the last page partial
    ['a file ending just past a page', 0x3001, 4],
  ])('%s: every page hash recomputes, up to the 16-byte aligned signature', (_, size, pages) => {
    const input = machO({ size });
    const out = adhocSign(input, 'kubectl-sts_inspect');
    const sig = readSignature(out);
    expect(sig.dataoff).toBe(Math.ceil(size / 16) * 16);
    expect(out.length).toBe(sig.dataoff + sig.datasize);
    expect(sig.codeDirectories).toHaveLength(1);
    const [cd] = sig.codeDirectories;
    expect(cd).toMatchObject({
      slot: 0,
      version: 0x20400,
      flags: 0x2, // CS_ADHOC
      hashType: 2, // SHA-256
      hashSize: 32,
      pageSize: 4096,
      codeLimit: sig.dataoff,
      nCodeSlots: pages,
      identifier: 'kubectl-sts_inspect',
      execSegBase: 0n,
      execSegLimit: 0x2000n, // __TEXT's file size
      execSegFlags: 1n, // CS_EXECSEG_MAIN_BINARY
    });
    expect(badPages(out, cd!)).toEqual([]);
    // The bytes before the signature are the input's, but for the header's new load command and __LINKEDIT.
    expect(out.subarray(0x1000, size).equals(input.subarray(0x1000, size))).toBe(true);
  });

  it('writes an empty requirements blob, and its hash in special slot -2 (Info.plist, -1, is empty)', () => {
    const out = adhocSign(machO({ size: 0x3000 }), 'x');
    const sig = readSignature(out);
    const req = sig.blobs.get(2)!;
    expect(req.toString('hex')).toBe('fade0c010000000c00000000');
    const [cd] = sig.codeDirectories;
    expect(cd!.special.get(-2)).toEqual(sha256(req));
    expect(cd!.special.get(-1)).toEqual(Buffer.alloc(32));
  });

  it('adds LC_CODE_SIGNATURE and grows __LINKEDIT to the end of the file', () => {
    const input = machO({ size: 0x3000 + 5 });
    const out = adhocSign(input, 'x');
    expect(out.readUInt32LE(16)).toBe(input.readUInt32LE(16) + 1);
    expect(out.readUInt32LE(20)).toBe(input.readUInt32LE(20) + 16);
    const sig = readSignature(out);
    const linkedit = sig.segments.find((s) => s.name === '__LINKEDIT')!;
    expect(linkedit.fileoff + linkedit.filesize).toBe(out.length);
    expect(Number(linkedit.vmsize) % 0x4000).toBe(0);
    expect(Number(linkedit.vmsize)).toBeGreaterThanOrEqual(linkedit.filesize);
  });

  it('a changed byte anywhere before the signature shows as that page’s bad hash', () => {
    const out = adhocSign(machO({ size: 0x3000 }), 'x');
    const [cd] = readSignature(out).codeDirectories;
    for (const at of [0x10, 0x1fff, 0x2abc]) {
      const tampered = Buffer.from(out);
      tampered[at]! ^= 1;
      expect(badPages(tampered, cd!)).toEqual([Math.floor(at / 4096)]);
    }
  });

  it.each([
    ['an already signed file', machO({ size: 0x3000, signed: true }), /already signed/],
    ['no room for one more load command', machO({ size: 0x3000, roomy: false }), /no room/],
    ['__LINKEDIT not at the end', Buffer.concat([machO({ size: 0x3000 }), Buffer.alloc(16)]), /__LINKEDIT is not the last/],
    ['an ELF file', Buffer.from('\x7fELF\x02\x01\x01' + '\0'.repeat(64), 'latin1'), /not a thin 64-bit/],
    ['a universal (fat) binary', Buffer.from('cafebabe00000002' + '0'.repeat(64), 'hex'), /not a thin 64-bit/],
  ])('refuses %s', (_, input, message) => {
    expect(() => adhocSign(input, 'x')).toThrow(message);
  });

  it('leaves its input unchanged', () => {
    const input = machO({ size: 0x3000 });
    const copy = Buffer.from(input);
    adhocSign(input, 'x');
    expect(input.equals(copy)).toBe(true);
  });
});
