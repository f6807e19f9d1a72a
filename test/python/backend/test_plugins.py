"""Out-of-tree backends through real entry points (a `*.dist-info` on PYTHONPATH, fresh
interpreters): a working vendor package is listed, selected and runs kernels; each kind of broken
package is one warning naming it, and nothing else breaks.
"""

from __future__ import annotations

import json
import shutil

import pytest

from plugins import BROKEN, GOOD, GOOD_COMPILER, GOOD_DRIVER, run_python, write_good, write_plugin

# Runs a looped kernel on whatever backend is selected, and reports what flagtree and Triton saw.
_PROBE = """
    import json, warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import torch, triton, triton.language as tl
        import triton.backends
        from flagtree.backend import list_backends

        @triton.jit
        def add_one(x_ptr, n, BLOCK: tl.constexpr):
            for start in range(0, n, BLOCK):
                offs = start + tl.arange(0, BLOCK)
                tl.store(x_ptr + offs, tl.load(x_ptr + offs, mask=offs < n) + 1, mask=offs < n)

        x = torch.zeros(100)
        add_one[(1,)](x, 100, BLOCK=32)
        kernel = add_one.warmup(x, 100, BLOCK=32, grid=(1,))
        records = {r.name: [r.status, [str(t) for t in r.targets], r.package, r.error]
                   for r in list_backends()}
    print(json.dumps({
        "ok": bool(torch.equal(x, torch.ones(100))),
        "target": str(triton.runtime.driver.active.get_current_target()),
        "binary": kernel.asm["llmlir"].decode()[:200],
        "triton_backends": sorted(triton.backends.backends),
        "records": records,
        "warnings": [str(w.message) for w in caught
                     if w.category.__name__ == "FlagtreePluginWarning"],
    }))
"""


def _probe(path, **env) -> dict:
    done = run_python(_PROBE, path, TRITON_CACHE_DIR=str(path / "cache"), **env)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_vendor_package_is_found_selected_and_runs(tmp_path):
    write_good(tmp_path)
    seen = _probe(tmp_path, FLAGTREE_BACKEND="acme")
    assert seen["ok"] and seen["warnings"] == []
    assert "backend='acme', arch='v1'" in seen["target"]
    # Its pass, inserted at anchor `loops`, changed the code it produced.
    assert 'acme.pipeline = "acme"' in seen["binary"]
    assert "acme" in seen["triton_backends"]
    assert seen["records"]["acme"][:3] == ["runnable", ["acme:v1"], "acme-flagtree 0.1.0"]

    # Not selected, it stays out of the way: cpu is the default and its code has no acme pass.
    seen = _probe(tmp_path)
    assert seen["ok"] and "backend='cpu'" in seen["target"]
    assert "acme.pipeline" not in seen["binary"]

    info = run_python("from flagtree.cli import main; main(['info', '--json'])", tmp_path)
    assert info.returncode == 0, info.stderr
    names = [b["name"] for b in json.loads(info.stdout)["backends"]]
    assert names == ["cpu", "nvidia", "amd", "acme"]

    # Removing the package leaves everything else working.
    shutil.rmtree(tmp_path / "acme_backend-0.1.0.dist-info")
    shutil.rmtree(tmp_path / "acme_backend")
    seen = _probe(tmp_path)
    assert seen["ok"] and "acme" not in seen["records"] and "acme" not in seen["triton_backends"]


_REASONS = {
    "failsimport": "import of failsimport_backend:Acme failed: ImportError: the vendor SDK "
                   "libacme.so is missing",
    "oldversion": "interface version 99 is not supported by this flagtree (supports 1)",
    "raisesonload": "creating the backend from raisesonload_backend:make raised RuntimeError: "
                    "no license server",
    "nomethod": "missing required method is_runnable()",
    "badcapability": "capabilities: unknown dtype 'fp7'",
    "notriton": "no 'triton.backends' entry point 'notriton = "
                "flagtree.backend.triton_shim.notriton': Triton cannot compile for it",
}


@pytest.fixture(scope="module")
def broken_plugins(tmp_path_factory):
    root = tmp_path_factory.mktemp("plugins")
    write_good(root)
    for name, (source, attr) in BROKEN.items():
        write_plugin(root, name, source, attr, compiler=GOOD_COMPILER, driver=GOOD_DRIVER)
    write_plugin(root, "notriton", GOOD, compiler=GOOD_COMPILER, driver=GOOD_DRIVER,
                 triton_entry=False)
    return root


def test_each_broken_plugin_is_one_warning_naming_it(broken_plugins):
    for backend in ("acme", "cpu"):
        seen = _probe(broken_plugins, FLAGTREE_BACKEND=backend)
        assert seen["ok"], backend
        assert len(seen["warnings"]) == len(_REASONS), seen["warnings"]
        for name, reason in _REASONS.items():
            mine = [w for w in seen["warnings"] if f"'{name}'" in w]
            expected = (f"flagtree: backend plugin '{name}' (package {name}-flagtree 0.1.0) "
                        f"is disabled: {reason}")
            assert mine == [expected]
            assert seen["records"][name][0] == "disabled"
            assert seen["records"][name][3] == reason
            # Triton sees an inert stand-in: it supports no target and is never active.
            assert (name in seen["triton_backends"]) == (name != "notriton")
        assert seen["records"]["acme"][0] == "runnable"


def test_plain_import_triton_survives_broken_plugins(broken_plugins):
    done = run_python("import triton; print(sorted(triton.backends.backends))", broken_plugins)
    assert done.returncode == 0, done.stderr
    for name in BROKEN:
        assert done.stderr.count(f"backend plugin '{name}'") == 1
    done = run_python("import flagtree; from flagtree.backend import get_backend; "
                      "get_backend('nomethod')", broken_plugins)
    assert done.returncode == 1
    assert ("BackendError: backend 'nomethod' is disabled (missing required method "
            "is_runnable()); installed: cpu (runnable") in done.stderr
    done = run_python("import triton; from triton.backends.compiler import GPUTarget; "
                      "from triton.compiler.compiler import make_backend; "
                      "make_backend(GPUTarget('oldversion', 'v1', 1))", broken_plugins)
    assert done.returncode == 1 and "0 compatible backends for target (oldversion)" in done.stderr


def test_plugin_pass_that_raises_names_the_plugin(tmp_path):
    source = GOOD.replace('    op.walk(visit)\n', '    raise ValueError("tiling table is empty")\n', 1)
    write_plugin(tmp_path, "passraises", source, compiler=GOOD_COMPILER, driver=GOOD_DRIVER)
    done = run_python(_PROBE, tmp_path, FLAGTREE_BACKEND="passraises",
                      TRITON_CACHE_DIR=str(tmp_path / "cache"))
    assert done.returncode == 1
    assert ("pass 'passraises-tag-loops' of backend 'passraises', package passraises-flagtree "
            "0.1.0 failed: tiling table is empty") in done.stderr
    assert "kernel 'add_one' cannot be compiled" in done.stderr
    seen = _probe(tmp_path, FLAGTREE_BACKEND="cpu")  # the other backends are unaffected
    assert seen["ok"] and seen["warnings"] == []
