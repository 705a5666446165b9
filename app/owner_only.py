"""Files and folders readable by their user only, on every platform.

- POSIX: mode 0700 for folders, 0600 for files (whatever the umask).
- Windows: `chmod` means nothing there; access is decided by the ACL. We set a *protected*
  DACL (nothing inherited from the parent) with two entries, inherited by everything created
  inside a folder later: full control for the user running the program, and for SYSTEM (the
  operating system itself, which every profile folder grants; OpenSSH accepts private keys
  with exactly these two). Administrators can still take ownership (they can on every
  Windows); other users, and their processes, cannot open the files.
- File systems without ACLs (FAT32 or exFAT on a USB stick) cannot restrict anything: the
  call then does nothing and `is_owner_only` says what the drive reports (on Linux a FAT
  stick refuses or ignores chmod and shows the same bits on every file). Never an error: the
  register stays encrypted there, which is what protects it (docs/security.md). For the same
  reason files are copied byte for byte and then restricted, never with shutil.copy2 or
  copytree, which copy permission bits and fail on such a stick
  (tests/reliability/test_fat_stick.py).
- `on_shared_drive`: Windows marks removable drives (USB sticks) and network drives (shares);
  a file written there for someone else keeps the drive's own permissions (app.files).
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

if sys.platform == "win32":  # pragma: no cover - exercised by make test-windows
    import ctypes
    from ctypes import wintypes

    _advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)

    _TOKEN_QUERY = 0x0008
    _TOKEN_USER = 1
    _SDDL_REVISION_1 = 1
    _DACL_SECURITY_INFORMATION = 0x00000004
    _PROTECTED_DACL_SECURITY_INFORMATION = 0x80000000

    _advapi32.OpenProcessToken.argtypes = [wintypes.HANDLE, wintypes.DWORD,
                                           ctypes.POINTER(wintypes.HANDLE)]
    _advapi32.GetTokenInformation.argtypes = [wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p,
                                              wintypes.DWORD, ctypes.POINTER(wintypes.DWORD)]
    _advapi32.ConvertSidToStringSidW.argtypes = [ctypes.c_void_p,
                                                 ctypes.POINTER(wintypes.LPWSTR)]
    _advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW.argtypes = [
        wintypes.LPCWSTR, wintypes.DWORD, ctypes.POINTER(ctypes.c_void_p),
        ctypes.POINTER(wintypes.ULONG)]
    _advapi32.ConvertSecurityDescriptorToStringSecurityDescriptorW.argtypes = [
        ctypes.c_void_p, wintypes.DWORD, wintypes.DWORD, ctypes.POINTER(wintypes.LPWSTR),
        ctypes.POINTER(wintypes.ULONG)]
    _advapi32.SetFileSecurityW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, ctypes.c_void_p]
    _advapi32.GetFileSecurityW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, ctypes.c_void_p,
                                           wintypes.DWORD, ctypes.POINTER(wintypes.DWORD)]
    _kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    _kernel32.LocalFree.argtypes = [ctypes.c_void_p]
    _kernel32.CloseHandle.argtypes = [wintypes.HANDLE]

    def _user_sid() -> str:
        token = wintypes.HANDLE()
        if not _advapi32.OpenProcessToken(_kernel32.GetCurrentProcess(), _TOKEN_QUERY,
                                          ctypes.byref(token)):
            raise ctypes.WinError(ctypes.get_last_error())
        try:
            needed = wintypes.DWORD()
            _advapi32.GetTokenInformation(token, _TOKEN_USER, None, 0, ctypes.byref(needed))
            buf = ctypes.create_string_buffer(needed.value)
            if not _advapi32.GetTokenInformation(token, _TOKEN_USER, buf, needed,
                                                 ctypes.byref(needed)):
                raise ctypes.WinError(ctypes.get_last_error())
            sid_pointer = ctypes.cast(buf, ctypes.POINTER(ctypes.c_void_p))[0]
            text = wintypes.LPWSTR()
            if not _advapi32.ConvertSidToStringSidW(sid_pointer, ctypes.byref(text)):
                raise ctypes.WinError(ctypes.get_last_error())
            try:
                return str(text.value)
            finally:
                _kernel32.LocalFree(text)
        finally:
            _kernel32.CloseHandle(token)

    def _set_dacl(path: Path, sddl: str) -> None:
        descriptor = ctypes.c_void_p()
        if not _advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl, _SDDL_REVISION_1, ctypes.byref(descriptor), None):
            raise ctypes.WinError(ctypes.get_last_error())
        try:
            if not _advapi32.SetFileSecurityW(
                    str(path), _DACL_SECURITY_INFORMATION | _PROTECTED_DACL_SECURITY_INFORMATION,
                    descriptor):
                raise ctypes.WinError(ctypes.get_last_error())
        finally:
            _kernel32.LocalFree(descriptor)

    def dacl_sddl(path: Path) -> str:
        """The DACL of `path` in SDDL, e.g. 'D:P(A;OICI;FA;;;S-1-5-21-…)'."""
        needed = wintypes.DWORD()
        _advapi32.GetFileSecurityW(str(path), _DACL_SECURITY_INFORMATION, None, 0,
                                   ctypes.byref(needed))
        if not needed.value:
            raise ctypes.WinError(ctypes.get_last_error())
        buf = ctypes.create_string_buffer(needed.value)
        if not _advapi32.GetFileSecurityW(str(path), _DACL_SECURITY_INFORMATION, buf, needed,
                                          ctypes.byref(needed)):
            raise ctypes.WinError(ctypes.get_last_error())
        text = wintypes.LPWSTR()
        if not _advapi32.ConvertSecurityDescriptorToStringSecurityDescriptorW(
                buf, _SDDL_REVISION_1, _DACL_SECURITY_INFORMATION, ctypes.byref(text), None):
            raise ctypes.WinError(ctypes.get_last_error())
        try:
            return str(text.value)
        finally:
            _kernel32.LocalFree(text)

    def current_user_sid() -> str:
        return _user_sid()

    _kernel32.GetVolumePathNameW.argtypes = [wintypes.LPCWSTR, wintypes.LPWSTR, wintypes.DWORD]
    _kernel32.GetDriveTypeW.argtypes = [wintypes.LPCWSTR]
    _DRIVE_REMOVABLE, _DRIVE_REMOTE = 2, 4

    def drive_type(path: Path) -> int:
        """GetDriveTypeW of the volume holding ``path`` (3: a fixed disk)."""
        root = ctypes.create_unicode_buffer(1024)
        if not _kernel32.GetVolumePathNameW(str(path), root, len(root)):
            raise ctypes.WinError(ctypes.get_last_error())
        return int(_kernel32.GetDriveTypeW(root.value))

    def on_shared_drive(path: Path) -> bool:
        """A removable drive (a USB stick) or a network drive: a place to pass files on."""
        try:
            return drive_type(path) in (_DRIVE_REMOVABLE, _DRIVE_REMOTE)
        except OSError:
            return False

else:

    def on_shared_drive(path: Path) -> bool:
        """POSIX: files are owner-only everywhere (docs/security.md, "Files on disk")."""
        return False

    def current_user_sid() -> str:
        raise OSError("Windows security identifiers exist on Windows only")

    def dacl_sddl(path: Path) -> str:
        raise OSError("Windows ACLs exist on Windows only")

    def _set_dacl(path: Path, sddl: str) -> None:
        raise OSError("Windows ACLs exist on Windows only")


# SYSTEM, as SDDL writes it (an alias) and as a SID.
_SYSTEM = {"SY", "S-1-5-18"}


def _owner_only_sddl(folder: bool) -> str:
    # FA = file all access; OICI = inherited by files and folders created inside; P = protected
    # (entries of the parent folder are not inherited).
    inherit = "OICI" if folder else ""
    return f"D:P(A;{inherit};FA;;;SY)(A;{inherit};FA;;;{current_user_sid()})"


def restrict_folder(path: Path) -> None:
    """Make an existing folder owner-only. Never raises: a file system that cannot restrict
    (FAT on a USB stick) keeps its defaults, and `is_owner_only` reports it."""
    with contextlib.suppress(OSError):
        if sys.platform == "win32":
            _set_dacl(path, _owner_only_sddl(folder=True))
        else:
            os.chmod(path, 0o700)


def restrict_file(path: Path) -> None:
    with contextlib.suppress(OSError):
        if sys.platform == "win32":
            _set_dacl(path, _owner_only_sddl(folder=False))
        else:
            os.chmod(path, 0o600)


def private_folder(path: Path) -> Path:
    """Create `path` (and missing parents) if needed; the folder itself is made owner-only."""
    path = Path(path)
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not existed or not is_owner_only(path):
        restrict_folder(path)
    return path


def is_owner_only(path: Path) -> bool:
    """True when no other user can read `path` (POSIX bits; Windows: every ACE is the user's)."""
    if sys.platform == "win32":
        try:
            sddl = dacl_sddl(Path(path))
        except OSError:
            return False
        if "D:" not in sddl or "D:NO_ACCESS_CONTROL" in sddl:
            return False
        dacl = sddl.split("D:", 1)[1]
        aces = dacl.split("(")[1:]
        if not aces:
            return False  # an empty DACL denies everyone, the user included: not usable
        allowed = _SYSTEM | {current_user_sid()}
        for ace in aces:
            fields = ace.rstrip(")").split(";")
            if fields[0] == "A" and fields[-1] not in allowed:
                return False
        return True
    mode = os.stat(path).st_mode
    return stat.S_IMODE(mode) & 0o077 == 0
