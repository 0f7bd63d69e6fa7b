"""CloudTrail log files in S3: fetch the objects a notification points at and read their records as a stream.

A log file is up to `max_log_file_bytes` of JSON once inflated (256 MiB by default), and a few hundred kilobytes of
gzip can inflate to that: read whole, one such file took 600 MiB, ten at once 3 GiB. So nothing here holds a
whole file. The object is read from S3 a chunk at a time, inflated a bounded piece at a time (counting every
inflated byte against the limit), decoded incrementally, and the top-level `Records` array is taken apart one
record at a time; each record is read, handed to `keep`, and dropped unless kept. What a file costs while it is
read is then a few pieces of text and one record, whatever the file holds:

- one record may be at most `record_limit` characters (the consumer passes `max_message_bytes`, 1 MiB: a record
  in a log file is the same event EventBridge puts in one queue message, and CloudTrail's own events stay far
  below it); a longer one ends the read with an error naming it, so a file of one giant string or of endless
  nesting never grows a buffer past that;
- the records kept (the consumer keeps those that change state) draw their estimated size from a
  `bot.memory.Reservation`, and a file that would hold more than the budget allows is an error, read again later;
- more than MAX_ITEM_ERRORS malformed records end the read: such a file is no CloudTrail log file, and listing
  millions of its problems would itself be the bomb.

Records are read in runs: the text up to the last record boundary in the next BATCH_CHARS (at most one record's
limit) is read by msgspec in one call, each item as far as the fields the filters decide on (the rest of a record
is read from its text only when asked for: read-only noise never is). A cut that msgspec accepts is a true
boundary (see `_Reader._batch`); where there is none, or msgspec refuses the run, the records are split one by one
with the standard library's C decoder (json.JSONDecoder.raw_decode) over a buffer that grows only while one
record is incomplete, which also gives the exact error of a malformed file. Neither builds a string of any length
before it is bounded, as a streaming tokenizer such as ijson would. A file that is not one object holding a
`Records` array (a bare record, a notification) is read as a whole, under the same per-record limit, and goes
through the general envelope reader, so every shape `bot.events.parse_body` reads is still read here, with the
same errors.
"""

from __future__ import annotations

import codecs
import json
import re
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import msgspec
from botocore.exceptions import BotoCoreError, ClientError

from bot.errors import InputError
from bot.events import (
    CloudTrailRecord,
    Envelope,
    LogFileRef,
    RecordFields,
    item_record,
    materialize,
    parse_document,
    read_item,
    read_records_item,
    read_whole,
)
from bot.memory import Reservation, gc_paused, record_cost

CHUNK_BYTES = 64 * 1024  # read from S3 at a time
INFLATE_BYTES = 256 * 1024  # inflated at a time
MAX_ITEM_ERRORS = 100
_GZIP_MAGIC = b"\x1f\x8b"
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# A decode error this close to the end of the text read so far may be a token cut off by the chunk boundary (a
# number, a literal, a \\uXXXX escape): the longest such token is well under this.
_CUT_TOKEN = 64
_DECODER = json.JSONDecoder()
# The batch path: records are cut from the text in runs of up to this many characters, each run taken apart by
# msgspec in one call (into each item's text, so each one's size is known), then each item read on its own.
BATCH_CHARS = 256 * 1024
_RAW_ITEMS = msgspec.json.Decoder(list[msgspec.Raw])
_ANY = msgspec.json.Decoder()
# Where one record of a `Records` array may end and the next begin: "}", a comma, "{", whitespace between. In the
# files CloudTrail writes, compact, every record starts with its eventVersion, and no object inside one does, so
# that boundary is looked for first (and found from the end, without a scan of the whole run).
_CLOUDTRAIL_BOUNDARY = '},{"eventVersion":'
_RECORD_BOUNDARY = re.compile(r"\}[ \t\n\r]*,[ \t\n\r]*(?=\{)")

Keep = Callable[[CloudTrailRecord], bool]


def fetch_log_file(
    s3: Any,
    ref: LogFileRef,
    max_bytes: int,
    *,
    record_limit: int | None = None,
    keep: Keep | None = None,
    reservation: Reservation | None = None,
    discard: Callable[[], None] | None = None,
) -> Envelope:
    """Read one log file; failures come back as errors in the envelope, never raised.

    `keep` decides which records stay in the envelope (all of them without it); `record_limit` bounds one record
    (default: `max_bytes`); `reservation` is charged for every record kept. An error that makes the file
    unreadable as a whole (missing, corrupt, truncated, over a limit) comes back alone, without records, and
    `discard` is called to drop what `keep` made of the records read before it.
    """
    envelope = Envelope(ref.uri)
    try:
        response = s3.get_object(Bucket=ref.bucket, Key=ref.key)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        envelope.errors.append(InputError(
            ref.uri, f"cannot fetch the log file ({code}), named by {ref.source}", transient=True,
        ))
        return envelope
    except BotoCoreError as exc:
        envelope.errors.append(InputError(
            ref.uri, f"cannot fetch the log file ({exc}), named by {ref.source}", transient=True,
        ))
        return envelope
    size = response.get("ContentLength")
    # Closed even when the read stops early, so the connection is not left hanging.
    with response["Body"] as body:
        if isinstance(size, int) and size > max_bytes:
            envelope.errors.append(InputError(ref.uri, f"log file is {size} bytes, over the {max_bytes}-byte limit"))
            return envelope
        return read_log_file(
            body, ref.uri, max_bytes, record_limit=record_limit, keep=keep, reservation=reservation, discard=discard,
            io_errors=(BotoCoreError, OSError),
            io_error=lambda exc: InputError(
                ref.uri, f"cannot fetch the log file ({exc}), named by {ref.source}", transient=True
            ),
        )


def read_log_file(
    body: Any,
    source: str,
    max_bytes: int,
    *,
    record_limit: int | None = None,
    keep: Keep | None = None,
    reservation: Reservation | None = None,
    notifications: bool = False,
    max_item_errors: int | None = MAX_ITEM_ERRORS,
    discard: Callable[[], None] | None = None,
    io_errors: tuple[type[Exception], ...] = (OSError,),
    io_error: Callable[[Exception], InputError] | None = None,
) -> Envelope:
    """Read a log file from `body` (anything with `read(n)`), as `fetch_log_file` reads an S3 object.

    `notifications` lets the file name other log files and hold service events (the CLI reads any input so);
    without it such a file is an error. `max_item_errors` (None: no limit) is how many malformed records end the
    read. An error of `io_errors` while reading becomes `io_error(exc)`. `discard` is called when the file turns
    out unreadable as a whole, to drop what `keep` made of the records read before the fault.
    """
    envelope = Envelope(source)
    reader = _Reader(source, max_bytes, record_limit or max_bytes, keep, reservation, notifications, max_item_errors)
    try:
        with gc_paused():
            reader.read(_text(_inflated(_chunks(body, source, max_bytes), source, max_bytes), source))
    except InputError as exc:
        # Without its traceback: the frames it holds would keep the records read so far alive.
        envelope.errors.append(exc.with_traceback(None))
    except io_errors as exc:
        envelope.errors.append(io_error(exc) if io_error else InputError(source, f"cannot read: {exc}"))
    else:
        return reader.envelope
    # The records of an unreadable file are dropped with it, and what they held of the budget given back.
    reader.envelope.records.clear()
    if reservation is not None:
        reservation.give_back(reader.taken)
    if discard is not None:
        discard()
    return envelope


def expand(envelope: Envelope, s3: Any, max_bytes: int) -> Envelope:
    """The envelope with every log file it points at fetched and its records added in."""
    if not envelope.log_files:
        return envelope
    expanded = Envelope(envelope.source, list(envelope.records), [], list(envelope.service_events),
                        list(envelope.errors), list(envelope.notes))
    for ref in envelope.log_files:
        expanded.extend(fetch_log_file(s3, ref, max_bytes))
    return expanded


# Bytes: S3 chunks, inflated -------------------------------------------------------------------------------------


def _chunks(body: Any, source: str, max_bytes: int) -> Iterator[bytes]:
    """The object's bytes a chunk at a time, refusing more than max_bytes of them."""
    total = 0
    while chunk := body.read(CHUNK_BYTES):
        total += len(chunk)
        if total > max_bytes:
            raise InputError(source, f"log file is more than {max_bytes} bytes, over the {max_bytes}-byte limit")
        yield chunk


def _inflated(chunks: Iterator[bytes], source: str, max_bytes: int) -> Iterator[bytes]:
    """The bytes inflated when they are gzip (as is), never more than INFLATE_BYTES at a time nor max_bytes in all."""
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= len(_GZIP_MAGIC):
            break
    if head[: len(_GZIP_MAGIC)] == _GZIP_MAGIC:
        yield from _gunzip(head, chunks, source, max_bytes)
        return
    if head:
        yield head
    yield from chunks


def _gunzip(head: bytes, chunks: Iterator[bytes], source: str, max_bytes: int) -> Iterator[bytes]:
    inflater = zlib.decompressobj(wbits=47)  # 32 + 15: gzip or zlib header, auto-detected
    total = 0
    data = head
    while data:
        while data and not inflater.eof:
            try:
                out = inflater.decompress(data, INFLATE_BYTES)
            except zlib.error as exc:
                raise InputError(source, f"corrupt gzip data ({exc})") from None
            total += len(out)
            if total > max_bytes:
                raise InputError(source, f"gzip data inflates past the {max_bytes}-byte limit")
            if out:
                yield out
            data = inflater.unconsumed_tail
        if inflater.eof:
            return  # anything after the gzip member is not read, as a whole-file gunzip ignores it
        data = next(chunks, b"")
    raise InputError(source, "truncated gzip data: the stream ends before its end marker")


def _text(pieces: Iterator[bytes], source: str) -> Iterator[str]:
    """The bytes decoded as strict UTF-8 (a leading byte-order mark dropped), piece by piece."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
    consumed = 0
    for piece in pieces:
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(piece)
        except UnicodeDecodeError as exc:
            where = consumed - pending + exc.start
            raise InputError(source, f"not UTF-8 text ({exc.reason} at byte {where})") from None
        consumed += len(piece)
        if text:
            yield text
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise InputError(source, f"not UTF-8 text ({exc.reason} at byte {consumed - 1})") from None


# Text: the JSON taken apart -------------------------------------------------------------------------------------


class _Text:
    """The decoded text, read on demand into a buffer that holds only what has not been taken yet."""

    def __init__(self, pieces: Iterator[str], source: str) -> None:
        self.pieces = pieces
        self.source = source
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._base = 0  # offset in the whole text of buf[0]
        self._lines = 0  # newlines before buf[0]
        self._last_newline = -1  # offset in the whole text of the last newline before buf[0]

    def fill(self, want: int = 0) -> bool:
        """Read one more piece, or pieces until `want` characters are not taken yet, dropping what was taken; False
        at the end of the text. The buffer is copied once however many pieces are read."""
        pieces: list[str] = []
        unread = len(self.buf) - self.pos
        while not pieces or unread < want:
            piece = next(self.pieces, None)
            if piece is None:
                self.eof = True
                break
            pieces.append(piece)
            unread += len(piece)
        if not pieces:
            return False
        buf, pos = self.buf, self.pos
        if newlines := buf.count("\n", 0, pos):
            self._lines += newlines
            self._last_newline = self._base + buf.rfind("\n", 0, pos)
        self._base += pos
        self.buf = "".join([buf[pos:], *pieces])
        self.pos = 0
        return True

    def offset(self) -> int:
        """Where the reading is, in characters from the start of the whole text."""
        return self._base + self.pos

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end), without taking it."""
        while True:
            self.pos = _WHITESPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf) or not self.fill():
                return self.buf[self.pos : self.pos + 1]

    def take(self, char: str, expecting: str) -> None:
        if self.peek() != char:
            raise self.syntax_error(f"Expecting {expecting}", self.pos)
        self.pos += 1

    def value(self, limit: int, what: str) -> tuple[Any, int]:
        """The next JSON value and its length in characters; `what` names it when it is over `limit`."""
        self.peek()
        tried = 0
        while True:
            span = len(self.buf) - self.pos
            if self.eof or span > limit or span >= 2 * tried:
                decoded = self._decode(span, limit, what)
                if decoded is not None:
                    return decoded
                # Tried again only once twice as much is read, so a record cut many times is decoded O(1) times.
                tried = max(span, 1)
            self.fill()

    def _decode(self, span: int, limit: int, what: str) -> tuple[Any, int] | None:
        """The value at pos, or None when more text may complete it."""
        try:
            value, end = _DECODER.raw_decode(self.buf, self.pos)
        except json.JSONDecodeError as exc:
            cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(self.buf) - _CUT_TOKEN
            if self.eof or not cut:
                raise self.syntax_error(exc.msg, exc.pos) from None
            if span > limit:
                raise InputError(self.source, f"{what} is over the {limit}-byte limit for one record") from None
            return None
        except RecursionError:
            raise InputError(self.source, "JSON is nested too deeply") from None
        except ValueError as exc:  # e.g. an integer literal past Python's digit limit
            raise InputError(self.source, f"not JSON tfsync can read: {exc}") from None
        length = end - self.pos
        if length > limit:
            raise InputError(self.source, f"{what} is over the {limit}-byte limit for one record")
        if end == len(self.buf) and not self.eof:
            return None  # a number at the end of what was read may go on
        self.pos = end
        return value, length

    def end(self) -> None:
        if self.peek():
            raise self.syntax_error("Extra data", self.pos)

    def syntax_error(self, message: str, pos: int) -> InputError:
        line = self._lines + self.buf.count("\n", 0, pos) + 1
        newline = self.buf.rfind("\n", 0, pos)
        column = pos - newline if newline >= 0 else self._base + pos - self._last_newline
        return InputError(self.source, f"not JSON: {message} at line {line} column {column}")


def _cut(buf: str, start: int, stop: int) -> tuple[int, int] | int:
    """(end of the last record, start of the next) at the last record boundary in buf[start:stop], or, when there
    is none, how many characters were looked at."""
    end = buf.rfind(_CLOUDTRAIL_BOUNDARY, start, stop) + 1
    if end:
        return end, end + 1  # the next starts past the comma
    boundaries = list(_RECORD_BOUNDARY.finditer(buf, start, stop))
    if not boundaries:
        return stop - start
    return boundaries[-1].start() + 1, boundaries[-1].end()


class _Reader:
    """Takes one log file's text apart into an envelope of the records kept."""

    def __init__(
        self, source: str, max_bytes: int, record_limit: int, keep: Keep | None, reservation: Reservation | None,
        notifications: bool = False, max_item_errors: int | None = MAX_ITEM_ERRORS,
    ) -> None:
        self.source = source
        self.max_bytes = max_bytes
        self.record_limit = record_limit
        self.keep = keep
        self.reservation = reservation
        self.notifications = notifications
        self.max_item_errors = max_item_errors
        self.envelope = Envelope(source)
        self._scratch = Envelope(source)
        self._item_errors = 0
        self._notifications = False
        self.taken = 0  # bytes drawn from the reservation

    def read(self, pieces: Iterator[str]) -> None:
        text = _Text(pieces, self.source)
        first = text.peek()
        if not first:
            raise InputError(self.source, "body is empty")
        if first != "{":
            document, _ = text.value(self.record_limit, "the log file")
            text.end()
            self._read_document(document)
            return
        text.pos += 1
        others: dict[str, Any] = {}
        streamed = False
        others_size = 0
        while text.peek() != "}":
            if others or streamed:
                text.take(",", "',' delimiter")
            if text.peek() != '"':
                raise text.syntax_error("Expecting property name enclosed in double quotes", text.pos)
            key, _ = text.value(self.record_limit, "a key")
            text.take(":", "':' delimiter")
            if key == "Records" and text.peek() == "[":
                self._records(text)
                streamed = True
            else:
                value, size = text.value(self.record_limit - others_size, f"the log file's {key[:40]!r}")
                others[key] = value
                others_size += size
        text.pos += 1
        text.end()
        if not streamed:
            self._read_document(others)
        if self._notifications and not self.notifications:
            self.envelope.errors.append(
                InputError(self.source, "a log file must hold CloudTrail records, not notifications")
            )

    def _read_document(self, document: Any) -> None:
        """A file that is not a `Records` log file: read as a whole by the general envelope reader."""
        parsed = parse_document(document, self.source, self.max_bytes)
        self._notifications = bool(parsed.log_files or parsed.service_events)
        if self.notifications:
            self.envelope.log_files.extend(parsed.log_files)
            self.envelope.service_events.extend(parsed.service_events)
        self.envelope.errors.extend(parsed.errors)
        self.envelope.notes.extend(parsed.notes)
        for record in parsed.records:
            self._keep(record, self.record_limit)

    def _records(self, text: _Text) -> None:
        text.pos += 1  # the array's "["
        if text.peek() == "]":
            text.pos += 1
            self.envelope.notes.append(f"{self.source}: 'Records' is empty, nothing to read")
            return
        index = 0
        batch_from = 0  # where in the text the batch path may next be tried
        while True:
            if text.offset() >= batch_from:
                read, tried = self._batch(text, index)
                if read:
                    index += read
                    continue
                # The slow path reads as much as the failed try did before the next try, so a file that defeats
                # the batch path costs at most twice the standard library's reading of it.
                batch_from = text.offset() + tried
            item, size = text.value(self.record_limit, f"Records[{index}]")
            self._item(item, f"{self.source}#Records[{index}]", size)
            index += 1
            if text.peek() == "]":
                text.pos += 1
                return
            text.take(",", "',' delimiter")

    def _batch(self, text: _Text, index: int) -> tuple[int, int]:
        """Read the records at the text's position up to the last record boundary in the next BATCH_CHARS, at once.

        (records read, 0), or (0, characters tried) when there is no boundary to cut at or the cut text is not a
        run of records msgspec reads (malformed, cut inside a string or a record, or JSON only the standard library
        takes): the slow path then reads on, record by record, with its exact errors. A cut that parses as a run
        of whole values is a true record boundary: JSON is read left to right, so the same text before the cut
        reads the same, and only a cut between two items of the array closes every bracket opened after it.
        """
        limit = min(BATCH_CHARS, self.record_limit)
        if text.peek() != "{":
            return 0, 1
        if len(text.buf) - text.pos < limit and not text.eof:
            text.fill(limit)
        start = text.pos
        cut = _cut(text.buf, start, min(len(text.buf), start + limit))
        if isinstance(cut, int):
            return 0, cut
        end, after = cut
        texts: list[Any] | None = None
        try:
            if self.keep is None and self.reservation is None:
                # Every record is kept whole and none is charged: read them whole, in one call.
                items = _ANY.decode("[" + text.buf[start:end] + "]")
            else:
                # Each item as far as its CloudTrail fields, the rest left in its text (a view of the run) for
                # the few records that need it; that text's length (bytes of UTF-8, characters for the ASCII
                # CloudTrail writes) is what the budget is charged for it.
                texts = _RAW_ITEMS.decode("[" + text.buf[start:end] + "]")
                items = [read_item(item) for item in texts]
        except Exception:  # the slow path reads this text again, and says what is wrong with it
            return 0, end - start
        text.pos = after
        # The whole cut was within the record limit, so each record of it is.
        self._items(items, texts, index)
        return len(items), 0

    def _items(self, items: list[Any], raws: list[Any] | None, index: int) -> None:
        """The items of a run (with their texts, when read in part), the first of them Records[index]."""
        source, keep, kept = self.source, self.keep, self.envelope.records
        whole = keep is None and self.reservation is None
        for offset, item in enumerate(items):
            where = f"{source}#Records[{index + offset}]"
            try:
                if type(item) is RecordFields and raws is not None:
                    if item.eventSource == "aws:s3":  # an S3 notification, perhaps: the general reading
                        self._item(read_whole(raws[offset]), where, len(raws[offset]))
                        continue
                    record = item_record(item, raws[offset], where)
                elif type(item) is not dict or item.get("eventSource") == "aws:s3":
                    self._item(item, where, len(raws[offset]) if raws is not None else 0)  # the general reading
                    continue
                else:
                    record = CloudTrailRecord(item, where)
            except InputError as exc:
                self._errors([exc])
                continue
            if whole:
                kept.append(record)
            elif keep is None or keep(record):
                self._hold(record, len(raws[offset]) if raws is not None else 0)

    def _item(self, item: Any, source: str, size: int) -> None:
        scratch = self._scratch
        read_records_item(item, source, scratch)
        if scratch.log_files:
            self._notifications = True
            if self.notifications:
                self.envelope.log_files.extend(scratch.log_files)
            scratch.log_files.clear()
        for record in scratch.records:
            self._keep(record, size)
        if scratch.errors:
            self._errors(scratch.errors)
        self.envelope.notes.extend(scratch.notes)
        scratch.records.clear()
        scratch.errors.clear()
        scratch.notes.clear()

    def _errors(self, errors: list[InputError]) -> None:
        """Problems of single records, kept beside the good ones until there are too many of them."""
        self._item_errors += len(errors)
        if self.max_item_errors is not None and self._item_errors > self.max_item_errors:
            raise InputError(
                self.source, f"more than {self.max_item_errors} records are malformed: not a CloudTrail log "
                "file, read no further"
            )
        self.envelope.errors.extend(errors)

    def _keep(self, record: CloudTrailRecord, size: int) -> None:
        if self.keep is None or self.keep(record):
            self._hold(record, size)

    def _hold(self, record: CloudTrailRecord, size: int) -> None:
        """Keep the record in the envelope, charged to the reservation."""
        materialize(record)  # a record kept must not hold on to the run of text it was read from
        cost = record_cost(size)
        if self.reservation is not None and not self.reservation.take(cost):
            budget = self.reservation.budget
            raise InputError(
                self.source,
                f"its records that change state need more memory than is left of the {budget.total // (1 << 20)} "
                f"MiB that log files being handled may hold ({len(self.envelope.records)} records kept so far); "
                "read again later",
            )
        self.taken += cost if self.reservation is not None else 0
        self.envelope.records.append(record)
