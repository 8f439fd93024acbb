"""A Checklist as plain data (lists, strings, numbers, None) and back: what a cache of parsed checklists stores.

JSON-ready, so the cache that keeps it (shell/checklist_cache) never needs pickle: reading a cache file must
never run code. The way back builds every value through the dataclasses' own constructors and checks each
field's type first, so a damaged or foreign file can give an error (ValueError, the caller parses afresh)
but never an object of a shape the parser could not have made; text stays text, shown as data like any.
"""

from __future__ import annotations

from dataclasses import astuple

from launchpad.core.plan.checklist import Checklist, Link, Section, Step, Table, Task
from launchpad.core.problems import Problem


def checklist_to_data(checklist: Checklist) -> list:
    """The checklist's fields in order, nested dataclasses as lists of their fields (json.dumps-ready)."""
    return list(astuple(checklist))


def _list(value, size: int | None = None) -> list:
    if type(value) is not list or (size is not None and len(value) != size):
        raise ValueError("cached checklist: not the shape a Checklist has")
    return value


def _typed(kind):
    def read(value):
        if type(value) is not kind:  # exact: True is no line number, 1 is no checkbox
            raise ValueError(f"cached checklist: {kind.__name__} expected")
        return value
    return read


_str, _int, _bool = _typed(str), _typed(int), _typed(bool)


def _optional(read):
    return lambda value: None if value is None else read(value)


def _tuple_of(read):
    return lambda value: tuple(map(read, _list(value)))


def _record(cls, *fields):
    return lambda value: cls(*(read(item) for read, item in zip(fields, _list(value, len(fields)))))


_strings = _tuple_of(_str)
_link = _record(Link, _str, _str)
_task = _record(Task, _str, _str, _bool, _optional(_str), _strings, _int, _int, _optional(_str), _tuple_of(_link),
                _strings, _str)
_step = _record(Step, _str, _strings, _int, _bool, _optional(_int), _strings)
_table = _record(Table, _strings, _int, _strings, _tuple_of(_strings), _tuple_of(_int))
_section = _record(Section, _str, _int, _strings, _int)
_problem = _record(Problem, _str, _optional(_int), _str, _str)
_checklist = _record(Checklist, _str, _str, _tuple_of(_section), _tuple_of(_task), _tuple_of(_step),
                     _tuple_of(_table), _tuple_of(_problem))


def checklist_from_data(data) -> Checklist:
    """The Checklist checklist_to_data was given; ValueError when `data` is not exactly such a value."""
    return _checklist(data)
