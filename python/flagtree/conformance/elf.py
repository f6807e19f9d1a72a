"""Just enough of the ELF format to check a compiled GPU binary: class, machine and symbols.

Used by the conformance kit on cubin (EM_CUDA) and hsaco (EM_AMDGPU) images; no execution.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAGIC = b"\x7fELF"
EM_CUDA = 190
EM_AMDGPU = 224
MACHINES = {EM_CUDA: "cuda", EM_AMDGPU: "amdgpu", 62: "x86-64", 183: "aarch64"}
_SHT_SYMTAB = 2
_SHT_DYNSYM = 11


class ElfError(ValueError):
    """The bytes are not a well-formed ELF image."""


@dataclass(frozen=True)
class ElfImage:
    machine: int
    symbols: frozenset[str]

    @property
    def machine_name(self) -> str:
        return MACHINES.get(self.machine, f"machine {self.machine}")


def read_elf(data: bytes) -> ElfImage:
    """The machine and the symbol names of a 64-bit little-endian ELF image."""
    if not isinstance(data, (bytes, bytearray)) or data[:4] != MAGIC:
        raise ElfError("not an ELF image (no \\x7fELF magic)")
    if len(data) < 64 or data[4] != 2 or data[5] != 1:
        raise ElfError("not a 64-bit little-endian ELF image")
    machine = struct.unpack_from("<H", data, 18)[0]
    shoff, = struct.unpack_from("<Q", data, 40)
    shentsize, shnum = struct.unpack_from("<HH", data, 58)
    if shoff + shnum * shentsize > len(data) or (shnum and shentsize < 64):
        raise ElfError("section header table past the end of the image")
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
                for i in range(shnum)]
    names: set[str] = set()
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind not in (_SHT_SYMTAB, _SHT_DYNSYM) or not entsize or link >= shnum:
            continue
        str_off, str_size = sections[link][4], sections[link][5]
        if offset + size > len(data) or str_off + str_size > len(data):
            raise ElfError("symbol table past the end of the image")
        strtab = data[str_off:str_off + str_size]
        for entry in range(offset, offset + size, entsize):
            name_off = struct.unpack_from("<I", data, entry)[0]
            end = strtab.find(b"\0", name_off)
            if name_off and end > name_off:
                names.add(strtab[name_off:end].decode("utf-8", "replace"))
    return ElfImage(machine, frozenset(names))
