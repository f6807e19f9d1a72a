"""The pieces of flagtree.compat.flaggems that need no FlagGems: enum extension, device module, Philox.

They run everywhere; test_flaggems_cpu.py checks them inside FlagGems when it is installed.
"""

from __future__ import annotations

import enum
import struct

import pytest
import torch
from flagtree.compat import flaggems


class Vendors(enum.Enum):
    NVIDIA = 0
    AMD = 7

    @classmethod
    def by_name(cls) -> dict:
        return {member.name.lower(): member for member in cls}


def test_enum_member_added_like_a_declared_one():
    flaggems._add_enum_member(Vendors, "ARM", 15)
    arm = Vendors.ARM
    assert Vendors(15) is arm and Vendors["ARM"] is arm and arm in Vendors
    assert Vendors.by_name()["arm"] is arm and list(Vendors)[-1] is arm
    assert (arm.name, arm.value) == ("ARM", 15) and arm != Vendors.AMD
    assert {Vendors.NVIDIA: 1}.get(arm) is None


def test_enum_member_takes_next_value_when_taken():
    class Small(enum.Enum):
        A = 15

    flaggems._add_enum_member(Small, "B", 15)
    assert Small.B.value == 16 and Small(15) is Small.A


def test_device_module_answers_like_torch_cuda():
    module = flaggems.CpuDeviceModule()
    device = module.current_device()
    assert device == "cpu" and (["first"])[device] == "first"  # name and index 0
    assert torch.empty(2, device=device).device.type == "cpu"
    with module.device(torch.device("cpu")), module.device("cpu:0"), module.device(0):
        pass
    with pytest.raises(ValueError, match="is not the CPU"):
        module.device(torch.device("cuda", 0))
    props = module.get_device_properties(0)
    assert props.multi_processor_count >= 1 and props.total_memory > 0
    assert module.get_device_capability() == (0, 0)
    assert module.synchronize is torch.cpu.synchronize  # everything else is torch.cpu's
    assert module.default_generators[0] is module.default_generators[device]
    with pytest.raises(KeyError):
        module.default_generators["cuda"]


def _seed_offset(generator) -> tuple[int, int]:
    return struct.unpack("<qq", generator.get_state().numpy().tobytes())


def test_philox_state_follows_torch_seed_and_advances():
    generator = flaggems.PhiloxGenerator()
    torch.manual_seed(3)
    seed, offset = _seed_offset(generator)
    assert offset == 0
    # FlagGems' philox_backend_seed_offset: read, advance the offset, write back.
    state = generator.get_state()
    state.view(torch.int64)[1] += 64
    generator.set_state(state)
    assert _seed_offset(generator) == (seed, 64)  # the stream continues
    torch.manual_seed(3)
    assert _seed_offset(generator) == (seed, 0)  # re-seeding torch restarts it
    torch.randn(3)
    assert _seed_offset(generator)[0] != seed  # torch drew numbers: a new seed
    generator.manual_seed(11)
    assert _seed_offset(generator) == (11, 0)


def test_philox_state_rejects_other_layouts():
    generator = flaggems.PhiloxGenerator()
    with pytest.raises(ValueError, match="16 bytes"):
        generator.set_state(torch.default_generator.get_state())
