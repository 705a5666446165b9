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

    @property
    def reason(self) -> str:
        """The sentence without its closing consequence ("Nothing was imported."): a list of
        several files' refusals says the consequence once, for the whole batch."""
        text = self.message
        for consequence in CONSEQUENCES:
            ending = " " + _(consequence)
            if text.endswith(ending):
                return text[: -len(ending)]
        return text

    def __str__(self) -> str:
        return self.message


# The sentences a refusal ends with; `AppError.reason` leaves them off.
NOTHING_IMPORTED = N_("Nothing was imported.")
NOTHING_CHANGED = N_("Nothing was changed.")
CONSEQUENCES = (NOTHING_IMPORTED, NOTHING_CHANGED)


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


class KeyFileAltered(KeyFileDamaged):
    """Told apart from a wrong passphrase: the key file asks for more work than Vertrouwd ever
    writes, or its keyed check failed after the passphrase was found correct."""

    default_message = N_(
        "The key file of this register was altered: it is not the file Vertrouwd wrote. The "
        "register cannot be unlocked with it. Restore the register from a backup. Nothing was "
        "changed."
    )


class KeyFileMissing(AppError):
    default_message = N_("No register was found at {path}.")


class RegisterDamaged(AppError):
    default_message = N_(
        "The passphrase is correct, but the register file is damaged. Restore it from a "
        "backup. Nothing was changed."
    )


class RegisterDatabaseMissing(RegisterDamaged):
    """The key file is there, the database is empty, cut short, not a file or not there:
    never taken for a new register (that would hide the damage and rotate backups away)."""

    default_message = N_(
        "The passphrase is correct, but the register's database file is empty, incomplete or "
        "missing (as a failed copy or a full USB stick leaves it). Restore the register from a "
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


class RegisterInUse(AppError):
    default_message = N_(
        "This register is already open in another window of Vertrouwd. Continue there, or "
        "close that window first. Nothing was changed."
    )


class RegisterReadOnly(AppError):
    default_message = N_(
        "The register at {path} is on a read-only drive (a write-protected USB stick, or a "
        "stick the computer made read-only after an error) or its files are read-only, so "
        "Vertrouwd cannot open it. Remove the write protection, or copy the register folder to "
        "a drive you can write to. Nothing was changed."
    )


class KeyFileUnreadable(AppError):
    default_message = N_(
        "The key file of this register could not be read from its drive (a read error: the USB "
        "stick may be loose, pulled or failing). The register itself may be fine: reconnect the "
        "stick or copy the register folder to another drive, and try again. Nothing was changed."
    )


class RegisterStillOpen(AppError):
    default_message = N_(
        "The register is still open. Lock it first, then restore the backup. Nothing was "
        "changed."
    )


class PassphraseRejected(AppError):
    default_message = N_("This passphrase cannot be used.")


class ValidationError(AppError):
    default_message = N_("The input is not valid.")


class ReportCancelled(AppError):
    """The person cancelled a report while it was being made: nothing was written and nothing
    recorded in the ledger."""

    default_message = N_("The report was cancelled; nothing was written.")


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


class MediumReadOnly(StorageError):
    default_message = N_(
        "The drive of the register has become read-only (a write-protected USB stick, or a "
        "stick the computer made read-only after an error), so the last change was not saved; "
        "everything saved before is intact. Check the stick, or copy the register folder to "
        "another drive."
    )


class MediumGone(StorageError):
    """The drive answers every read and write with an I/O error (EIO, ENOTCONN, ENODEV): a
    USB stick pulled out mid-work, a loose or failing one. Not damage, not a full disk."""

    default_message = N_(
        "The drive of the register stopped answering (a USB stick pulled out, loose or "
        "failing), so the last change was not saved; everything saved before stays on the "
        "stick. Put the stick back and try again, or copy the register folder to another drive."
    )


class FieldError(ValidationError):
    """A validation error tied to one input field (the UI highlights it)."""

    def __init__(self, field: str, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.field = field

# --- Interchange files (quarterly summaries, enrolment cards, receipts) -----------------------
# Every refusal of an incoming file is an InvalidImportFile, each kind with its own sentence.
# Each sentence ends by saying nothing was imported: a refusal never changes the register.


class InvalidImportFile(AppError):
    default_message = N_("This file cannot be read as a Vertrouwd file. Nothing was imported.")


class EmptyFile(InvalidImportFile):
    default_message = N_("The file is empty. Nothing was imported.")


class FileTooLarge(InvalidImportFile):
    default_message = N_(
        "The file is larger than {limit} bytes; real Vertrouwd files are a few kilobytes. "
        "Nothing was imported."
    )


class NotUtf8(InvalidImportFile):
    default_message = N_(
        "The file is not valid UTF-8 text, so it is not a Vertrouwd file or it is damaged. "
        "Nothing was imported."
    )


class MalformedJson(InvalidImportFile):
    default_message = N_(
        "The file is damaged or incomplete: it is not well-formed JSON. Nothing was imported."
    )


class DuplicateKey(InvalidImportFile):
    default_message = N_(
        "The file names the field \"{key}\" twice, which a genuine file never does. "
        "Nothing was imported."
    )


class NonFiniteNumber(InvalidImportFile):
    default_message = N_(
        "The file contains NaN or Infinity instead of a number. Nothing was imported."
    )


class FractionalNumber(InvalidImportFile):
    default_message = N_(
        "The file contains a number with a fraction or exponent ({value}); all numbers in a "
        "Vertrouwd file are whole numbers. Nothing was imported."
    )


class NumberTooLarge(InvalidImportFile):
    default_message = N_(
        "The file contains a number that is far too large to be a real count. "
        "Nothing was imported."
    )


class NestingTooDeep(InvalidImportFile):
    default_message = N_(
        "The file is nested more deeply than any Vertrouwd file. Nothing was imported."
    )


class UnknownFormat(InvalidImportFile):
    default_message = N_(
        "This is not a file of the expected kind (expected \"{expected}\"). Nothing was imported."
    )


class UnsupportedFormatVersion(InvalidImportFile):
    default_message = N_(
        "The file has format version {found}; this program reads version {supported}. "
        "Install the newer version of Vertrouwd. Nothing was imported."
    )


class UnknownField(InvalidImportFile):
    default_message = N_(
        "The file contains a field this program does not know ({field}). Nothing was imported."
    )


class MissingField(InvalidImportFile):
    default_message = N_("The file lacks the required field {field}. Nothing was imported.")


class WrongType(InvalidImportFile):
    default_message = N_(
        "The field {field} in the file has the wrong kind of value. Nothing was imported."
    )


class NegativeNumber(InvalidImportFile):
    default_message = N_(
        "The field {field} holds a negative number; counts and minutes cannot be negative. "
        "Nothing was imported."
    )


class CountOutOfRange(InvalidImportFile):
    default_message = N_(
        "The field {field} holds a number outside the possible range. Nothing was imported."
    )


class InvalidValue(InvalidImportFile):
    default_message = N_(
        "The field {field} holds a value that is not allowed. Nothing was imported."
    )


class InvalidPeriod(InvalidImportFile):
    default_message = N_(
        "The reporting period in the file ({period}) is not a valid quarter between 2000 and "
        "next year. Nothing was imported."
    )


class UnknownCodelistVersion(InvalidImportFile):
    default_message = N_(
        "The file uses version {version} of the topic list, which this program does not know. "
        "Install the newer version of Vertrouwd. Nothing was imported."
    )


class MissingCode(InvalidImportFile):
    default_message = N_(
        "The file lacks the code \"{code}\" under {field}; a Vertrouwd file lists every code "
        "of topic list version {version}, with 0 where nothing happened. Nothing was imported."
    )


class UnknownCode(InvalidImportFile):
    default_message = N_(
        "The file counts the code \"{code}\" under {field}, which is not in topic list version "
        "{version}. Nothing was imported."
    )


class UnknownComponent(InvalidImportFile):
    default_message = N_(
        "The file names \"{component}\" as its component, which is not a known defence "
        "component. Nothing was imported."
    )


class ForeignComponent(InvalidImportFile):
    default_message = N_(
        "The file contains a report from component {found}, but it belongs to component "
        "{expected}. Nothing was imported."
    )


class LevelRuleViolation(InvalidImportFile):
    """One class, one sentence per rule: pass one of the LEVEL_RULE_* ids as the message."""

    default_message = N_(
        "The file does not keep the rules for its level ({level}). Nothing was imported."
    )


LEVEL_RULE_VP_HAS_SOURCES = N_(
    "A file at VP level cannot contain sources, merged files or a reporting overview. "
    "Nothing was imported."
)
LEVEL_RULE_MERGED_LACKS_SOURCES = N_(
    "A merged file must list its sources, the files merged into it and a reporting overview. "
    "Nothing was imported."
)
LEVEL_RULE_NO_SOURCES = N_(
    "A merged file must contain at least one VP report; this one lists none. "
    "Nothing was imported."
)
LEVEL_RULE_SOURCE_TWICE = N_(
    "A merged file lists the same VP report twice, or one VP code in two spellings "
    "({code}). Nothing was imported."
)
LEVEL_RULE_BAD_SOURCE = N_(
    "A merged file lists a source that is not a VP report of the same quarter, or lists a "
    "report twice. Nothing was imported."
)
LEVEL_RULE_BAD_INPUT = N_(
    "A merged file names a merged-in file of another quarter or of a level that cannot be "
    "merged into it. Nothing was imported."
)
LEVEL_RULE_BAD_REPORTING = N_(
    "The reporting overview of the merged file (expected, received, nil and missing senders) "
    "does not agree with its sources. Nothing was imported."
)


class InconsistentMeasures(InvalidImportFile):
    """One class, one sentence per bound (docs/file-format.md, "Bounds"): pass one of the
    BOUND_* ids as the message."""

    default_message = N_(
        "The figures in the file contradict each other ({measure}). Nothing was imported."
    )


# The bounds every honest register keeps, at every level (each survives adding files up).
BOUND_MINUTES_PER_CONTACT = N_(
    "The file counts {minutes} minutes for {contacts} contact moments, but a contact moment "
    "lasts 1 to 1440 minutes. Nothing was imported."
)
BOUND_FIRST_CONTACTS = N_(
    "The file counts {first} first contacts and {new} new cases, but every new case has "
    "exactly one first contact. Nothing was imported."
)
BOUND_NEW_CASES = N_(
    "The file counts {new} new cases, but only {closed} closed and {open} still open at the "
    "end of the quarter; every new case is one or the other. Nothing was imported."
)
BOUND_MODES = N_(
    "The contact modes add up to {modes} while the file counts {contacts} contact moments; "
    "every contact moment has exactly one mode. Nothing was imported."
)
BOUND_OUTCOMES = N_(
    "The outcomes add up to {outcomes}, more than the {closed} cases closed; a closed case has "
    "one outcome. Nothing was imported."
)
BOUND_TOPIC = N_(
    "The topic {code} is counted for {count} new cases, more than the {new} new cases in the "
    "file. Nothing was imported."
)
BOUND_GROUND = N_(
    "The discrimination ground {code} is counted for {count} new cases, more than the {n} new "
    "cases about discrimination. Nothing was imported."
)
# Plausibility (issue 20, item 8): what no register can report, whatever its rules.
BOUND_QUARTER_NOT_BEGUN = N_(
    "The file reports on {quarter}, which begins on {start}; by this computer's clock it is "
    "{today}, so that quarter has not begun. If the date of this computer is wrong, correct it "
    "first. Nothing was imported."
)
BOUND_ACTIVITY_MINUTES = N_(
    "The file counts {minutes} minutes of activities in {quarter}, more than the {limit} "
    "minutes that {reporters} confidant(s) have in that quarter, day and night. Nothing was "
    "imported."
)
BOUND_STOCK_FLOW = N_(
    "The file of {sender} closes {closed} cases in {quarter}, but at most {most} can have been "
    "open: {open} open at the end of {previous} (in the file of {previous} already here) and "
    "{new} new. If cases of {previous} were registered after its file was sent, {sender} "
    "exports {previous} again first. Nothing was imported."
)


class NilReturnNotEmpty(InvalidImportFile):
    default_message = N_(
        "The file is marked as a nil return but contains figures other than zero, or it is "
        "not marked as a nil return while all figures are zero. Nothing was imported."
    )


class RevisionInconsistent(InvalidImportFile):
    """The default sentence, or one of the REVISION_* ids as the message."""

    default_message = N_(
        "The file's revision number and the submission it replaces do not match: revision 1 "
        "replaces nothing, a later revision must name the one it replaces. Nothing was imported."
    )


REVISION_NAMES_ITSELF = N_(
    "The file says it replaces itself: its submission number and the one it replaces are the "
    "same. Every revision has its own submission number. Nothing was imported."
)
REVISION_NOT_PREVIOUS = N_(
    "Revision {revision} of {sender} for {quarter} must replace revision {previous}, which is "
    "here with another submission number: the file names a revision that does not exist, or "
    "skips one. If {sender} restored a backup or works on a second copy of the register, send "
    "them your receipt for revision {previous}: once imported, their next export follows on "
    "from it. Nothing was imported."
)
REVISION_NAMES_OTHER = N_(
    "Revision {revision} of {sender} for {quarter} says it replaces a file that is here as "
    "revision {other} of {other_sender} for {other_quarter}. Nothing was imported."
)
REVISION_NOT_NAMED_BY_NEXT = N_(
    "Revision {revision} of {sender} for {quarter} is not the file that revision {next}, "
    "already here, says it replaces. Nothing was imported."
)


class SignatureMissing(InvalidImportFile):
    default_message = N_(
        "The file is not signed, so its origin cannot be checked. Nothing was imported."
    )


class SignatureInvalid(InvalidImportFile):
    default_message = N_(
        "The signature of the file does not match its content: the file was altered or damaged "
        "after it was signed (key fingerprint {fingerprint}). Nothing was imported."
    )


class SignerMismatch(InvalidImportFile):
    default_message = N_(
        "The file was signed with key {fingerprint}, which is not the key of the sender it "
        "names. Nothing was imported."
    )


class UnexpectedSigner(InvalidImportFile):
    default_message = N_(
        "The file was signed with key {fingerprint}, not with the key expected here "
        "({expected}). Nothing was imported."
    )


class SealedNoKey(InvalidImportFile):
    default_message = N_(
        "The file is encrypted for a recipient (key {fingerprint}), but no key to open it is "
        "available here. Nothing was imported."
    )


class SealedForOtherRecipient(InvalidImportFile):
    default_message = N_(
        "The file is encrypted for another recipient (key {fingerprint}), not for this "
        "register. Nothing was imported."
    )


class SealedDamaged(InvalidImportFile):
    default_message = N_(
        "The encrypted file is damaged or was altered, so it cannot be opened. "
        "Nothing was imported."
    )


class NotCanonical(InvalidImportFile):
    default_message = N_(
        "The file's layout differs from what Vertrouwd writes, so it was changed after it was "
        "written. Nothing was imported."
    )


class SignerNotEnrolled(InvalidImportFile):
    default_message = N_(
        "The file was signed with key {fingerprint}, which is not on the roster. Check this "
        "fingerprint with the sender in person or by phone, enrol their card, and import the "
        "file again. Nothing was imported."
    )

class DisclosureParameterError(ValidationError, ValueError):
    """A report table or disclosure rule that cannot be used (for example k below 3)."""

    default_message = N_("The disclosure rule or report table is not valid.")


# --- coordination: roster, import of quarterly files, forwarding -------------------------


class SubmissionIdReused(InvalidImportFile):
    default_message = N_(
        "The file's submission number is already used here by another file ({sender}, "
        "{quarter}, revision {revision}); every file has its own. Nothing was imported."
    )


class SourceNotOnRoster(InvalidImportFile):
    default_message = N_(
        "The merged file contains a report of {code}, who is not a confidant on the roster (a "
        "code must match the roster exactly, letter for letter). Enrol their card first. "
        "Nothing was imported."
    )


class SourceSpelledDifferently(InvalidImportFile):
    default_message = N_(
        "The merged file contains a report of {code}, but that confidant is already counted "
        "here as {known}: one code in two spellings. Nothing was imported."
    )


class SourceAlreadyCountedOtherwise(InvalidImportFile):
    default_message = N_(
        "The merged file lists a report of {code} whose file is already here as a report of "
        "{known} (revision {revision}); a file is one report and counts once. "
        "Nothing was imported."
    )


class SubmissionConflict(InvalidImportFile):
    default_message = N_(
        "A different file was already imported as revision {revision} of {sender} for "
        "{quarter}. Two files cannot both be that revision, so this one was refused. Send "
        "{sender} your receipt for the file you have: once their register has imported it, "
        "their next export follows on from it. Nothing was imported."
    )


class LevelNotAccepted(InvalidImportFile):
    default_message = N_(
        "A file at level {level} cannot be imported here; this register accepts files at "
        "level {accepted}. Nothing was imported."
    )


class SenderCodeMismatch(InvalidImportFile):
    default_message = N_(
        "The file names sender {code}, but its key {fingerprint} is enrolled as {enrolled}. "
        "Nothing was imported."
    )


class SenderNotCoordinator(InvalidImportFile):
    default_message = N_(
        "Merged files are accepted only from enrolled coordinators; {code} is enrolled with "
        "the role {role}. Nothing was imported."
    )


class SenderDeactivated(InvalidImportFile):
    default_message = N_(
        "The sender {code} was taken off the roster on {date}, before the quarter {quarter} "
        "began. Nothing was imported."
    )


class NotCoordination(AppError):
    default_message = N_(
        "This register has no coordination role, so it cannot enrol senders or import "
        "quarterly files."
    )


class RosterError(AppError):
    default_message = N_("The roster was not changed.")


CARD_OTHER_COMPONENT = N_(
    "The card belongs to component {found}; this register enrols only component {expected}. "
    "The roster was not changed."
)
CARD_NOT_COORDINATOR = N_(
    "At the central level only coordinators' cards can be enrolled; this card has the role "
    "{role}. The roster was not changed."
)
CARD_CODE_TAKEN = N_("{code} is already on the roster. The roster was not changed.")
CARD_KEY_TAKEN = N_(
    "The key {fingerprint} is already on the roster as {code}. The roster was not changed."
)
CARD_IS_OWN = N_("This is the card of this register itself. The roster was not changed.")
ROSTER_UNKNOWN_CODE = N_("{code} is not on the roster.")
ROSTER_END_BEFORE_START = N_(
    "{code} counts from {start}; an end from {date} would leave no day. The roster was not "
    "changed."
)
ROSTER_ACTIVE_FROM = N_(
    "The first day a sender counts ({date}) must lie between 1 January 2000 and a year from "
    "today. The roster was not changed."
)


class CodelistMoveError(AppError):
    default_message = N_("The register was not changed.")


class ForwardError(AppError):
    default_message = N_("The summary was not written.")


FORWARD_NOTHING = N_(
    "There is nothing to forward for {quarter}: no quarterly files were imported for it. "
    "The summary was not written."
)
FORWARD_MIXED_CODELISTS = N_(
    "The files of {quarter} use different topic-list versions ({versions}), so they cannot be "
    "added up into one summary. The summary was not written."
)


# --- quarterly export, cards and receipts (the confidant's side) --------------------------
class ProfileMissing(AppError):
    default_message = N_("This register has no profile; create it with the first-run wizard.")


class QuarterNotBegun(AppError):
    default_message = N_(
        "The quarter {quarter} has not begun yet by this computer's clock (today is {today}), "
        "so it cannot be exported. If that date is wrong, the computer's clock is wrong (a "
        "flat battery can set it years back): correct the date and time first. Nothing was "
        "changed."
    )


class ClockAhead(AppError):
    default_message = N_(
        "By this computer's clock today is {today}, but this register's last quarterly file "
        "was made on {last}, more than a year earlier. If that date is wrong, the computer's "
        "clock is wrong: correct it first, or retention would remove memos too early. If the "
        "date is right, export the last quarter first. Nothing was changed."
    )


class ExportPdfNotWritten(AppError):
    default_message = N_(
        "The quarterly file was written and recorded as revision {revision} ({path}), but the "
        "PDF overview was not written: {reason}"
    )


class CardError(AppError):
    default_message = N_("This card cannot be used here.")


class CoordinatorKeyChanged(CardError):
    """A card carrying a known coordinator code with another key (issue 20, item 6)."""

    default_message = N_(
        "This card gives {code} a different key: the key you have for {code} is {old}, the "
        "card's key is {new}. Files stay sealed to the key you have. Call {code} and compare "
        "the new fingerprint; replace the key only if it matches. Nothing was changed."
    )


class ReceiptUnknown(AppError):
    default_message = N_(
        "This receipt is for a file this register did not export (quarter {quarter}). "
        "Nothing was changed."
    )


class ReceiptOtherSender(ReceiptUnknown):
    default_message = N_(
        "This receipt is for the file of {sender}, not of this register ({own}). "
        "Nothing was changed."
    )


class ReceiptContradicts(ReceiptUnknown):
    default_message = N_(
        "This receipt names revision {revision} of {quarter} with another content than the "
        "file this register recorded under that submission number. Ask your coordinator which "
        "file arrived. Nothing was changed."
    )


# --- files and folders the user names: reading and writing them --------------------------------
# An OSError never reaches the user: the services turn it into one of these (app.files), so the
# command line and every window say the same sentence.


class FileAccessError(AppError):
    default_message = N_("{path} cannot be used. Nothing was changed.")


class PathNotFound(FileAccessError):
    default_message = N_(
        "{path} does not exist. Check the name, and that the drive is connected. "
        "Nothing was changed."
    )


class PathPermissionDenied(FileAccessError):
    default_message = N_(
        "You have no permission to use {path}, or its drive is read-only. Nothing was changed."
    )


class PathDiskFull(FileAccessError):
    default_message = N_(
        "There is no room left on the drive of {path}, so the file was not written. Make room "
        "or choose another drive. Nothing was changed."
    )


class PathIsFolder(FileAccessError):
    default_message = N_("{path} is a folder, not a file. Nothing was changed.")


class PathNotAFolder(FileAccessError):
    default_message = N_("{path} is a file, not a folder. Nothing was changed.")


class PathNotRegularFile(FileAccessError):
    default_message = N_(
        "{path} is not an ordinary file (it is a device or a pipe), so it was not read. "
        "Nothing was changed."
    )


class PathTooLarge(FileAccessError):
    default_message = N_(
        "{path} is larger than {limit} bytes, far larger than any file Vertrouwd reads here. "
        "Nothing was changed."
    )


class PathMediumGone(FileAccessError):
    default_message = N_(
        "The drive of {path} stopped answering (a USB stick pulled out, loose or failing), so "
        "it was not written. Put the stick back and try again, or choose another drive."
    )


class PathUnusable(FileAccessError):
    default_message = N_("{path} cannot be used ({detail}). Nothing was changed.")


class OutputExists(FileAccessError):
    default_message = N_(
        "{path} already exists. Vertrouwd never replaces a file: choose another name or folder, "
        "or move the existing file away first. Nothing was changed."
    )
