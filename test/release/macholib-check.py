# Second, independent reading of a Mach-O's load commands, with Debian's python3-macholib (installed by
# scripts/ensure-macholib.sh): prints the header and every load command as JSON for test/release/darwin.test.ts.
import json
import sys

from macholib import mach_o
from macholib.MachO import MachO

m = MachO(sys.argv[1])
out = {"headers": []}
for h in m.headers:
    cmds = []
    for lc, cmd, _data in h.commands:
        entry = {"cmd": mach_o.LC_NAMES.get(lc.cmd, hex(lc.cmd)), "cmdsize": lc.cmdsize}
        if lc.cmd == mach_o.LC_SEGMENT_64:
            entry.update(
                segname=cmd.segname.rstrip(b"\0").decode(),
                vmaddr=cmd.vmaddr,
                vmsize=cmd.vmsize,
                fileoff=cmd.fileoff,
                filesize=cmd.filesize,
            )
        elif lc.cmd == mach_o.LC_CODE_SIGNATURE:
            entry.update(dataoff=cmd.dataoff, datasize=cmd.datasize)
        cmds.append(entry)
    out["headers"].append(
        {
            "cputype": mach_o.CPU_TYPE_NAMES.get(h.header.cputype, h.header.cputype),
            "filetype": mach_o.MH_FILETYPE_SHORTNAMES.get(h.header.filetype, h.header.filetype),
            "ncmds": h.header.ncmds,
            "sizeofcmds": h.header.sizeofcmds,
            "commands": cmds,
        }
    )
json.dump(out, sys.stdout)
