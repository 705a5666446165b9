"""Install, upgrade and uninstall the MSI under Wine, as IT would, and check each step
(make test-windows, after make dist-windows).

    python tools/windows/check_msi.py

1. An older MSI (version 0.0.1) is built from the same bundle and installed silently.
2. The installed vertrouwd-cli.exe passes its self-test; it creates a register in the default
   place (%LOCALAPPDATA%\\Defensie\\Vertrouwd) and a backup.
3. The current MSI is installed over it (major upgrade): exactly one Vertrouwd is registered,
   with the new version; Program Files holds exactly the new bundle; the self-test passes; the
   register still opens; the register and backups are byte-identical.
4. The older MSI is refused now (no downgrade) and changes nothing.
5. The current MSI is uninstalled: Program Files\\Vertrouwd and the Start-menu shortcut are
   gone, nothing is registered, and the register and backups are still there, byte-identical.

Each step prints one line; the first failure ends the check with one sentence and exit code 1.
Runs in the Wine prefix of tools/windows/winenv.py (leftovers of an interrupted earlier run
are removed first).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import sys
from pathlib import Path, PureWindowsPath

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools.bundle_files import project_metadata  # noqa: E402
from tools.windows import make_msi, winenv  # noqa: E402

OLD_VERSION = "0.0.1"
WORK = ROOT / "build" / "windows" / "msi-check"
INSTALLED = r"C:\Program Files\Vertrouwd"
UNINSTALL_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall"
PASSPHRASE = "een lange zin om het register mee te openen"


class CheckFailed(Exception):
    """One sentence saying what went wrong."""


def say(line: str) -> None:
    print(f"[msi] {line}", flush=True)


class Wine:
    def __init__(self) -> None:
        winenv.setup(verbose=False)
        self.env = winenv.base_env()
        self.env.pop("VERTROUWD_HOME", None)  # the installed program must use its defaults
        self.drive_c = winenv.prefix_dir() / "drive_c"
        self.runs = 0

    def run(self, program: str, *args: str) -> tuple[int, str]:
        """Run a Windows program; its exit code and output (kept in build/windows/msi-check)."""
        self.runs += 1
        name = PureWindowsPath(program).stem.lower()
        log = WORK / f"{self.runs:02d}-{name}.log"
        sink = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        with contextlib.redirect_stdout(sink):
            code = winenv.run_windows(program, list(args), log, self.env)
        text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
        return code, text.replace("\r\n", "\n")

    def linux_path(self, windows: str) -> Path:
        """The Linux path of a C:\\ path inside the prefix."""
        path = PureWindowsPath(windows)
        if path.drive.upper() != "C:":
            raise CheckFailed(f"{windows} is not on drive C:.")
        return self.drive_c.joinpath(*path.parts[1:])

    def expand(self, *variables: str) -> list[str]:
        """Windows' values of %VARIABLES%, asked of cmd in one run."""
        code, out = self.run("cmd", "/c", "echo", ";".join(f"%{v}%" for v in variables))
        line = out.strip().splitlines()[-1].strip() if out.strip() else ""
        values = line.split(";")
        if code != 0 or len(values) != len(variables) or "%" in line:
            raise CheckFailed(f"Windows did not tell where {', '.join(variables)} are "
                              f"({out.strip()!r}).")
        return values

    def products(self) -> dict[str, str]:
        """Registered products named Vertrouwd: uninstall key -> DisplayVersion."""
        code, out = self.run("reg", "query", UNINSTALL_KEY, "/s")
        if code != 0:
            raise CheckFailed(f"reg query {UNINSTALL_KEY} failed (exit code {code}).")
        return parse_products(out)

    def msiexec(self, *args: str) -> tuple[int, str]:
        """msiexec's exit code and its own log (/l*)."""
        log = WORK / f"{self.runs + 1:02d}-msiexec-installer.log"
        code, _out = self.run("msiexec", *args, "/l*", winenv.win_path(log))
        return code, log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""


def parse_products(reg_output: str) -> dict[str, str]:
    """From `reg query <Uninstall> /s`: the keys whose DisplayName is Vertrouwd, with their
    DisplayVersion."""
    found: dict[str, str] = {}
    key, values = "", dict[str, str]()
    for line in [*reg_output.splitlines(), "HKEY_END"]:
        if line.upper().startswith("HKEY_"):
            if values.get("DisplayName") == make_msi.PRODUCT_NAME:
                found[key] = values.get("DisplayVersion", "?")
            key, values = line.strip(), {}
        elif "REG_" in line:
            parts = line.strip().split(None, 2)
            if len(parts) == 3:
                values[parts[0]] = parts[2].strip()
    return found


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def expect(condition: bool, sentence: str) -> None:
    if not condition:
        raise CheckFailed(sentence)


def user_data(data: Path) -> dict[str, str]:
    """What must survive upgrade and uninstall byte for byte: register and backups. (The log
    grows with every command, by design; settings.json is not written by these commands.)"""
    found = {}
    for part in ("register", "backups"):
        found.update({f"{part}/{k}": v for k, v in digests(data / part).items()})
    return found


def check(wine: Wine, bundle: Path, current_msi: Path, version: str) -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    old_msi = make_msi.build_msi(bundle, OLD_VERSION, WORK / f"Vertrouwd-{OLD_VERSION}.msi",
                                 WORK / "wxs")
    say(f"built the older MSI {old_msi.name} from the same bundle")

    local, roaming, program_data = wine.expand("LOCALAPPDATA", "APPDATA", "ProgramData")
    data = wine.linux_path(local) / "Defensie" / "Vertrouwd"
    program_dir = wine.linux_path(INSTALLED)
    # A per-machine MSI puts the shortcut in the all-users Start menu on Windows; Wine 8's
    # msiexec puts it in the installing user's. Either counts here (docs/it-notes.md).
    shortcuts = [wine.linux_path(folder) / "Microsoft" / "Windows" / "Start Menu" / "Programs"
                 / "Vertrouwd.lnk" for folder in (program_data, roaming)]

    # Leftovers of an interrupted run: remove them so this run starts from a clean machine.
    leftovers = wine.products()
    for key in leftovers:
        product_code = key.rsplit("\\", 1)[-1]
        wine.msiexec("/x", product_code, "/qn")
    for folder in (program_dir, data):
        if folder.exists():
            leftovers[str(folder)] = ""
            shutil.rmtree(folder)
    expect(not wine.products(), "an earlier Vertrouwd installation could not be removed.")
    say("clean start" + (f" (removed leftovers: {', '.join(leftovers)})" if leftovers else ""))

    # 1. Install the older version.
    code, _ = wine.msiexec("/i", winenv.win_path(old_msi), "/qn")
    expect(code == 0, f"msiexec /i {old_msi.name} /qn failed with exit code {code}.")
    expect((program_dir / "vertrouwd-cli.exe").is_file(),
           f"{INSTALLED}\\vertrouwd-cli.exe is missing after installing {old_msi.name}.")
    products = wine.products()
    expect(list(products.values()) == [OLD_VERSION],
           f"after installing {old_msi.name} the registry lists {products}, not Vertrouwd "
           f"{OLD_VERSION} alone.")
    say(f"installed {old_msi.name} silently into {INSTALLED}")

    cli = INSTALLED + r"\vertrouwd-cli.exe"
    self_test(wine, cli, local)

    # 2. A register and a backup in the default place, made by the installed program.
    passfile = WORK / "passphrase.txt"
    passfile.write_text(PASSPHRASE, encoding="utf-8")
    pass_arg = ["--passphrase-file", winenv.win_path(passfile)]
    code, out = wine.run(cli, *pass_arg, "--lang", "en", "init", "--component", "CLAS")
    expect(code == 0, f"vertrouwd-cli.exe init failed (exit code {code}): {out.strip()}")
    expect((data / "register" / "register.db").is_file()
           and (data / "register" / "register.key").is_file(),
           f"init did not create the register in {local}\\Defensie\\Vertrouwd\\register.")
    code, out = wine.run(cli, *pass_arg, "--lang", "en", "backup")
    expect(code == 0, f"vertrouwd-cli.exe backup failed (exit code {code}): {out.strip()}")
    before = user_data(data)
    backups = [k for k in before if k.startswith("backups/")]
    expect(bool(backups), f"backup wrote nothing to {local}\\Defensie\\Vertrouwd\\backups.")
    say(f"created a register and a backup in {local}\\Defensie\\Vertrouwd "
        f"({len(before)} files)")

    # 3. Major upgrade to the current version.
    code, _ = wine.msiexec("/i", winenv.win_path(current_msi), "/qn")
    expect(code == 0, f"msiexec /i {current_msi.name} /qn (the upgrade) failed with exit code "
                      f"{code}.")
    products = wine.products()
    expect(len(products) == 1, f"after the upgrade {len(products)} Vertrouwd products are "
                               f"registered ({products}); there must be exactly one.")
    expect(set(products.values()) == {version},
           f"after the upgrade the registered version is {products}, not {version}.")
    installed, built = digests(program_dir), digests(bundle)
    expect(installed == built, "after the upgrade Program Files\\Vertrouwd is not the new "
                               f"bundle: {describe_difference(installed, built)}.")
    expect(user_data(data) == before, "the upgrade changed the register or the backups.")
    say(f"upgraded to {current_msi.name}: one product ({version}), {len(built)} files "
        f"identical to the bundle, register and backups unchanged")

    self_test(wine, cli, local)
    code, out = wine.run(cli, *pass_arg, "--lang", "en", "unlock-check")
    expect(code == 0, f"the upgraded program cannot open the register (exit code {code}): "
                      f"{out.strip()}")
    expect(user_data(data) == before, "opening the register after the upgrade changed it.")
    say("the upgraded program opens the register the older one created")

    # 4. No downgrade.
    code, log = wine.msiexec("/i", winenv.win_path(old_msi), "/qn")
    expect(code != 0, f"msiexec accepted {old_msi.name} over {version}: downgrades must be "
                      f"refused.")
    expect("WIX_DOWNGRADE_DETECTED = {" in log,
           f"msiexec refused {old_msi.name} (exit code {code}), but not because it is older.")
    expect(set(wine.products().values()) == {version},
           "the refused downgrade changed the registered product.")
    expect(digests(program_dir) == built, "the refused downgrade changed Program Files.")
    say(f"the older MSI is refused over {version} (msiexec exit code {code}); nothing changed")

    # 5. Uninstall.
    made = [path for path in shortcuts if path.is_file()]
    expect(len(made) == 1, f"there is no Start-menu shortcut Vertrouwd.lnk "
                           f"({' or '.join(str(p) for p in shortcuts)}).")
    whose = "all users" if made[0] == shortcuts[0] else "the installing user's, as Wine does it"
    say(f"the Start-menu shortcut is there ({whose})")
    code, _ = wine.msiexec("/x", winenv.win_path(current_msi), "/qn")
    expect(code == 0, f"msiexec /x {current_msi.name} /qn failed with exit code {code}.")
    expect(not program_dir.exists(), f"{INSTALLED} is still there after the uninstall.")
    expect(not any(path.exists() for path in shortcuts),
           "the Start-menu shortcut is still there after the uninstall.")
    expect(not wine.products(), "Vertrouwd is still registered after the uninstall.")
    expect(user_data(data) == before, "the uninstall removed or changed the register or the "
                                      "backups.")
    say(f"uninstalled: {INSTALLED} and the shortcut are gone; register and "
        f"{len(backups)} backup files are still there, byte-identical")

    shutil.rmtree(data)  # the check's own register; the next run starts clean
    with contextlib.suppress(OSError):
        data.parent.rmdir()  # Defensie\, when nothing else is in it


def self_test(wine: Wine, cli: str, local: str) -> None:
    code, out = wine.run(cli, "--lang", "en", "self-test")
    expect(code == 0, f"the installed self-test failed (exit code {code}):\n{out.strip()}")
    folder = next((line for line in out.splitlines() if line.startswith("ok data-folder:")), "")
    expect(f"{local}\\Defensie\\Vertrouwd".lower() in folder.lower(),
           f"the installed self-test did not use {local}\\Defensie\\Vertrouwd ({folder!r}).")
    say(f"the installed {PureWindowsPath(cli).name} self-test passed ({folder})")


def describe_difference(installed: dict[str, str], built: dict[str, str]) -> str:
    missing = sorted(set(built) - set(installed))
    extra = sorted(set(installed) - set(built))
    changed = sorted(k for k in set(built) & set(installed) if built[k] != installed[k])
    parts = [f"{label} {names[:3]}" for label, names in
             (("missing", missing), ("extra", extra), ("different", changed)) if names]
    return "; ".join(parts)


def main() -> int:
    _name, version = project_metadata(ROOT)
    bundle = make_msi.BUNDLE
    current_msi = bundle.parent / f"{make_msi.PRODUCT_NAME}-{version}.msi"
    try:
        if not current_msi.is_file():
            raise CheckFailed(f"{current_msi.relative_to(ROOT)} is missing: run make "
                              f"dist-windows first.")
        check(Wine(), bundle, current_msi, version)
    except CheckFailed as exc:
        print(f"MSI check failed: {exc}", file=sys.stderr)
        print(f"(logs of every step: {WORK.relative_to(ROOT)}/)", file=sys.stderr)
        return 1
    except winenv.SetupError as exc:
        print(f"MSI check failed: {exc}", file=sys.stderr)
        return 1
    say("MSI check passed: install, upgrade, refused downgrade and uninstall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
