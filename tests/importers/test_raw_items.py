"""The items of a JSON array with their exact bytes, and items recognised without decoding."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pytest

from desktop_app.importers import streams
from desktop_app.importers.contract import FormatError
from desktop_app.importers.jsonarray import iter_array
from desktop_app.importers.streams import ITEM_HEAD, RawItem, Take, iter_raw_items

ITEMS: list[Any] = [
    {"title": "brackets ] } [ { in a string", "n": 1.5},
    {"text": "escaped \"quote\" and backslash \\\" ] then", "deep": [[[{"a": [1, {"b": None}]}]]]},
    {"unicode": "naïve 🧠 «ok» – 日本語", "escape": "\\u00e9 \u00e9"},
    [1, 2, "three"],
    "a string item",
    12345678901234567890,
    {"empty": {}, "list": [], "t": True, "f": False},
]


def _layouts() -> list[bytes]:
    compact = json.dumps(ITEMS, separators=(",", ":"), ensure_ascii=False).encode()
    spaced = json.dumps(ITEMS, indent=2, ensure_ascii=False).encode()
    ascii_ = json.dumps(ITEMS).encode()
    return [compact, spaced, ascii_, b"\xef\xbb\xbf" + compact, b" \n" + spaced + b"\n "]


def _raw(items: list[RawItem[Any]]) -> list[bytes | None]:
    return [item.raw for item in items]


@pytest.mark.parametrize("data", _layouts())
@pytest.mark.parametrize("chunk", [7, 64, 256 * 1024])
def test_each_item_comes_with_its_exact_bytes(data: bytes, chunk: int,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "_CHUNK", chunk)
    items: list[RawItem[Any]] = list(iter_raw_items(io.BytesIO(data), "x.json"))
    assert [item.value for item in items] == ITEMS
    for item in items:
        assert item.raw is not None
        assert json.loads(item.raw) == item.value
        assert item.raw in data
        assert not item.raw[:1].isspace()
        assert not item.raw[-1:].isspace()


@pytest.mark.parametrize("data", _layouts())
@pytest.mark.parametrize("chunk", [7, 256 * 1024])
def test_recognised_items_are_skipped_without_decoding(data: bytes, chunk: int,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "_CHUNK", chunk)
    raws = _raw(list(iter_raw_items(io.BytesIO(data), "x.json")))
    # Claim items 0, 2 and 3 by their sizes; a wrong size is refused by take().
    wanted = {raws[i]: i for i in (0, 2, 3)}
    heads: list[bytes] = []

    def recognise(head: bytes, take: Take) -> tuple[int, int] | None:
        heads.append(head)
        for raw, index in wanted.items():
            assert raw is not None
            if head.startswith(raw[:ITEM_HEAD]):
                if index == 0:  # a size that ends inside the item is refused
                    assert take(len(raw) - 1) is None
                if take(len(raw)) == raw:
                    return len(raw), index
        return None

    decoded: list[Any] = []

    def counting(self: Any, decoder: json.JSONDecoder) -> tuple[Any, bytes]:
        value, raw = real(self, decoder)
        decoded.append(value)
        return value, raw

    real = streams._RawScanner.decode
    monkeypatch.setattr(streams._RawScanner, "decode", counting)
    items = list(iter_raw_items(io.BytesIO(data), "x.json", recognise))
    assert [item.token for item in items] == [0, None, 2, 3, None, None, None]
    assert [item.value for item in items if item.token is None] == [ITEMS[i]
                                                                    for i in (1, 4, 5, 6)]
    assert decoded == [ITEMS[i] for i in (1, 4, 5, 6)]  # the others were never decoded
    assert len(heads) == len(ITEMS)


@pytest.mark.parametrize("data", [
    b"", b"   ", b"{}", b"[", b"[1,", b'[{"a": 1}', b'[{"a": 1} {"b": 2}]', b"[1] x",
    b'[{"a": "\xff"}]', b"[1,]", b'[{"a": tru}]', b'[{"a": "unterminated]',
])
@pytest.mark.parametrize("chunk", [3, 256 * 1024])
def test_errors_read_as_the_array_reader_says(data: bytes, chunk: int,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "_CHUNK", chunk)
    with pytest.raises(FormatError) as expected:
        list(iter_array(io.BytesIO(data), "x.json"))
    with pytest.raises(FormatError) as got:
        list(iter_raw_items(io.BytesIO(data), "x.json"))
    assert (got.value.reason, got.value.where) == (expected.value.reason, expected.value.where)


def test_an_empty_array_has_no_items() -> None:
    assert list(iter_raw_items(io.BytesIO(b" [ ] "), "x.json")) == []


def test_an_item_cut_by_the_end_of_a_chunk_is_recognised(monkeypatch: pytest.MonkeyPatch) -> None:
    items = [{"n": i, "text": "x" * (40 + 13 * i)} for i in range(60)]
    data = json.dumps(items).encode()
    plain: list[RawItem[Any]] = list(iter_raw_items(io.BytesIO(data), "x.json"))
    raws = [item.raw for item in plain]
    sizes = {raw[:ITEM_HEAD]: len(raw) for raw in raws if raw is not None}
    for chunk in (64, 100, 257, 1000):
        monkeypatch.setattr(streams, "_CHUNK", chunk)

        def recognise(head: bytes, take: Take) -> tuple[int, bytes] | None:
            size = next(v for k, v in sizes.items() if head.startswith(k))
            raw = take(size)
            assert raw is not None  # whatever the chunk cut
            return size, raw

        got = [item.token for item in iter_raw_items(io.BytesIO(data), "x.json", recognise)]
        assert got == raws


def _alike(count: int, nested: int = 1) -> list[dict[str, Any]]:
    """Items that start with the same key, with objects inside that start with it too."""
    return [{"title": f"item {i} }},{{\"title\": in a string", "n": i,
             "inner": [{"title": f"inner {j}"} for j in range(nested)]}
            for i in range(count)]


@pytest.mark.parametrize("separators", [(",", ":"), (", ", ": ")])
@pytest.mark.parametrize("chunk", [7, 100, 256 * 1024])
def test_items_that_start_alike_are_decoded_by_orjson(separators: tuple[str, str], chunk: int,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "_CHUNK", chunk)
    items = _alike(30, nested=2)
    data = json.dumps(items, separators=separators, indent=None).encode()
    got: list[RawItem[Any]] = list(iter_raw_items(io.BytesIO(data), "x.json"))
    assert [item.value for item in got] == items
    assert [item.raw for item in got] == [json.dumps(item, separators=separators).encode()
                                          for item in items]
    # Each but the last is read up to the start of the next one (the nested look-alikes are
    # tried and refused); the last, with no item after it, by the standard decoder.
    assert [item.exact for item in got] == [False] * 29 + [True]


def test_many_look_alikes_inside_leave_an_item_to_the_standard_decoder() -> None:
    items = _alike(3, nested=streams._QUICK_TRIES + 1)
    got: list[RawItem[Any]] = list(iter_raw_items(io.BytesIO(json.dumps(items).encode()), "x"))
    assert [item.value for item in got] == items
    assert [item.exact for item in got] == [True, True, True]


def test_what_orjson_reads_otherwise_is_read_as_before() -> None:
    items: list[Any] = [{"k": 1}, {"k": math.nan}, {"k": "\ud800"}, {"k": 10 ** 30}, {"k": 2},
                        {"k": 3}]
    got: list[RawItem[Any]] = list(iter_raw_items(io.BytesIO(json.dumps(items).encode()), "x"))
    # orjson refuses NaN and lone surrogates: the standard decoder reads them.
    assert math.isnan(got[1].value["k"])
    assert got[2].value == {"k": "\ud800"}
    assert [item.exact for item in got[1:3]] == [True, True]
    # An integer beyond 64 bits comes as a float from orjson, and says so.
    assert got[3].value == {"k": float(10 ** 30)}
    assert not got[3].exact
    assert json.loads(got[3].raw or b"") == {"k": 10 ** 30}
    assert [item.value for item in got[4:]] == items[4:]


def test_items_of_other_shapes_stop_the_orjson_attempts(monkeypatch: pytest.MonkeyPatch) -> None:
    tried: list[int] = []
    real = streams._RawScanner._quick

    def spy(self: Any) -> Any:
        tried.append(self.count)
        return real(self)

    monkeypatch.setattr(streams._RawScanner, "_quick", spy)
    items = [{f"key{i}": i} for i in range(40)]  # no item starts as the next one
    got: list[RawItem[Any]] = list(iter_raw_items(io.BytesIO(json.dumps(items).encode()), "x.json"))
    assert [item.value for item in got] == items
    assert tried == list(range(streams._QUICK_MISSES))


def test_invalid_utf8_is_reported_in_the_item_that_holds_it() -> None:
    # (Before orjson read the items, the first 256 KB were decoded as text at once: a bad byte
    # anywhere in them was reported at the item being read, here item 1.)
    items = [{"title": f"t{i}", "text": "ok"} for i in range(5)]
    data = json.dumps(items).encode().replace(b'"t3"', b'"t\xff"')
    with pytest.raises(FormatError) as got:
        list(iter_raw_items(io.BytesIO(data), "x.json"))
    assert (got.value.reason, got.value.where) == ("not valid UTF-8 text", "item 4")
