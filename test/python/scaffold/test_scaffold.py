"""`flagtree backend new`: the generated package installs into an isolated venv, passes the
conformance kit, runs plain Triton kernels with FLAGTREE_BACKEND, and uninstalls cleanly.
"""

from __future__ import annotations

import json

import pytest
import tomllib
from click.testing import CliRunner
from flagtree.cli import main
from flagtree.scaffold import ScaffoldError, names_for, render

PLAIN_KERNEL = '''
import torch
import triton
import triton.language as tl


@triton.jit
def add(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + tl.load(y_ptr + offs, mask=mask),
             mask=mask)


x, y = torch.randn(3000), torch.randn(3000)
out = torch.empty_like(x)
kernel = add[(triton.cdiv(3000, 256),)](x, y, out, 3000, BLOCK=256)
torch.testing.assert_close(out, x + y)
print("ran on", kernel.metadata.target.backend)
'''


def test_generated_files_and_entry_points():
    names = names_for("acme")
    files = render(names)
    assert {"pyproject.toml", "README.md", ".gitignore", "src/acme_flagtree/__init__.py",
            "src/acme_flagtree/compiler.py", "src/acme_flagtree/driver.py",
            "src/acme_flagtree/passes.py", "tests/lit/lit.cfg.py", "tests/lit/acme-annotate.mlir",
            "tests/test_conformance.py", "tests/test_kernels.py", "tests/test_lit.py"} <= set(files)
    project = tomllib.loads(files["pyproject.toml"])
    assert project["project"]["name"] == "acme-flagtree"
    entry_points = project["project"]["entry-points"]
    assert entry_points["flagtree.backends"] == {"acme": "acme_flagtree:AcmeBackend"}
    assert entry_points["triton.backends"] == {"acme": "flagtree.backend.triton_shim.acme"}
    for path, text in files.items():
        assert "${" not in text, f"unfilled placeholder in {path}"
        if path.endswith(".py"):
            compile(text, path, "exec")


@pytest.mark.parametrize("name,target,problem", [
    ("Acme", None, "lowercase identifier"),
    ("1acme", None, "lowercase identifier"),
    ("cpu", None, "taken"),
    ("acme", "cuda", "target kind"),
])
def test_unusable_names_are_refused(name, target, problem):
    with pytest.raises(ScaffoldError, match=problem):
        names_for(name, target=target)


def test_cli_refuses_bad_names_and_non_empty_folders(tmp_path):
    runner = CliRunner()
    bad = runner.invoke(main, ["backend", "new", "Acme", "--out", str(tmp_path / "a")])
    assert bad.exit_code == 2 and "lowercase identifier" in bad.output
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "keep.txt").write_text("mine")
    busy = runner.invoke(main, ["backend", "new", "acme", "--out", str(tmp_path / "b")])
    assert busy.exit_code == 2 and "not empty" in busy.output
    forced = runner.invoke(main, ["backend", "new", "acme", "--out", str(tmp_path / "b"),
                                  "--force"])
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "b" / "keep.txt").read_text() == "mine"
    assert (tmp_path / "b" / "src" / "acme_flagtree" / "passes.py").is_file()


def test_new_backend_installs_conforms_runs_and_uninstalls(tmp_path, isolated_venv):
    """The issue's acceptance path, in an isolated venv: new -> pip install -> conformance ->
    a plain `import triton` kernel with FLAGTREE_BACKEND -> uninstall leaves flagtree working."""
    package = tmp_path / "acme"
    made = CliRunner().invoke(main, ["backend", "new", "acme", "--out", str(package)])
    assert made.exit_code == 0, made.output
    isolated_venv.pip_install(package)

    info = isolated_venv.flagtree("info")
    assert info.returncode == 0, info.stderr
    assert "acme" in info.stdout and "acme:v1" in info.stdout, info.stdout

    report = tmp_path / "acme.json"
    kit = isolated_venv.flagtree("conformance", "--backend", "acme", "--per-group", "2",
                                 "--json", str(report), "--no-progress")
    assert kit.returncode == 0, kit.stdout[-4000:] + kit.stderr[-2000:]
    data = json.loads(report.read_text())
    assert data["backend"] == "acme" and data["mode"] == "run"
    assert data["summary"]["fail"] == 0 and data["summary"]["pass"] >= 30, data["summary"]
    assert len(data["groups"]) >= 20

    script = tmp_path / "plain.py"
    script.write_text(PLAIN_KERNEL)
    plain = isolated_venv.run(str(script), env={"FLAGTREE_BACKEND": "acme"})
    assert plain.returncode == 0, plain.stderr[-3000:]
    assert "ran on acme" in plain.stdout

    # The package's own tests: its pass through flagtree-opt (lit), the plain-kernel check.
    own = isolated_venv.run("-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "tests/test_lit.py", "tests/test_kernels.py", cwd=package)
    assert own.returncode == 0, own.stdout[-4000:]

    isolated_venv.pip_uninstall("acme-flagtree")
    info = isolated_venv.flagtree("info")
    assert info.returncode == 0 and "acme" not in info.stdout, info.stdout
    assert "Warning" not in info.stderr, info.stderr
    after = isolated_venv.run(str(script))
    assert after.returncode == 0 and "ran on cpu" in after.stdout, after.stderr[-3000:]
    gone = isolated_venv.run(str(script), env={"FLAGTREE_BACKEND": "acme"})
    assert gone.returncode != 0
    assert "acme" in gone.stderr and "cpu" in gone.stderr, gone.stderr[-2000:]
