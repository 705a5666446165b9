"""Typed errors, each carrying one human sentence in the user's language.

The sentence is an English message id plus named parameters; it is translated when shown, so
an error raised in the core reads correctly in whichever language the interface uses.
A traceback is never what a user sees: the CLI and the GUI show `error.message`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from app.i18n import N_, _


class AppError(Exception):
    default_message: ClassVar[str] = N_("Something went wrong.")

    def __init__(self, message: str | None = None, **params: Any) -> None:
        self.msgid = message or self.default_message
        self.params = params
        super().__init__(self.msgid)

    @property
    def message(self) -> str:
        text = _(self.msgid)
        return text.format(**self.params) if self.params else text

    def __str__(self) -> str:
        return self.message


class WrongPassphrase(AppError):
    default_message = N_("The passphrase is not correct. Nothing was changed.")


class WrongRecoveryCode(AppError):
    default_message = N_("The recovery code is not correct. Nothing was changed.")


class KeyFileDamaged(AppError):
    default_message = N_(
        "The key file of this register is damaged or was altered, so the register cannot be "
        "unlocked. Restore the register from a backup. Nothing was changed."
    )


class KeyFileWeakened(AppError):
    default_message = N_(
        "The key file of this register has weaker protection settings than this program "
        "allows; it may have been tampered with. Nothing was changed."
    )


class KeyFileMissing(AppError):
    default_message = N_("No register was found at {path}.")


class RegisterDamaged(AppError):
    default_message = N_(
        "The passphrase is correct, but the register file is damaged. Restore it from a "
        "backup. Nothing was changed."
    )


class RegisterFromNewerVersion(AppError):
    default_message = N_(
        "This register was saved by a newer version of Vertrouwd (schema {found}; this "
        "program knows up to {supported}). Install the newer version. Nothing was changed."
    )


class NotSQLCipher(AppError):
    default_message = N_(
        "The database library is not SQLCipher 4, so the register cannot be encrypted. "
        "Vertrouwd refuses to run without encryption."
    )


class RegisterExists(AppError):
    default_message = N_("A register already exists at {path}.")


class RegisterLocked(AppError):
    default_message = N_("The register is locked.")


class PassphraseRejected(AppError):
    default_message = N_("This passphrase cannot be used.")


class ValidationError(AppError):
    default_message = N_("The input is not valid.")


class NotFound(AppError):
    default_message = N_("The item no longer exists.")


class BackupError(AppError):
    default_message = N_("The backup could not be made. The register was not changed.")


class BackupInvalid(AppError):
    default_message = N_(
        "This backup is damaged or does not belong to this register, so it was not restored. "
        "The current register is untouched."
    )


class CsvImportError(AppError):
    default_message = N_("The file could not be imported. Nothing was imported.")


class DiskFull(AppError):
    default_message = N_(
        "The disk is full or the file could not be written. The last change was not saved; "
        "everything saved before is intact."
    )


class StorageError(AppError):
    default_message = N_(
        "The register could not be written ({detail}). The last change was not saved; "
        "everything saved before is intact."
    )


class DisclosureParameterError(ValidationError, ValueError):
    """A report table or disclosure rule that cannot be used (for example k below 3)."""

    default_message = N_("The disclosure rule or report table is not valid.")
