"""Modal forms: one Input per field, each checked by its own Textual validators, the error in place under it.

Why not one text line: a recycle's T-offset and its reason typed into one field came apart wrongly, and a
typo in a scrub's T-0 threw away the reason already typed. Here nothing typed is lost on an error: the form
stays open with every value as it was, the first field in error focused and its error shown under it.
Enter submits once every field is valid, Escape cancels; Tab / shift+Tab move between fields, so the
keyboard alone is enough. The form dismisses with {field name: stripped text}, or None when cancelled.
`Confirm` is the smallest form: a question answered y or n.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, Static

from launchpad.core.literal import LONGEST, cut, printable


class Required(Validator):
    """Something other than blanks (a hold's reason, a scrub's reason)."""

    def __init__(self, what: str) -> None:
        super().__init__(failure_description=f"needed: {what}")

    def validate(self, value: str) -> ValidationResult:
        return self.success() if value.strip() else self.failure()


class Parses(Validator):
    """Valid when `parse(text)` returns; its ValueError's message (core's, which says how to write it) is the
    error shown under the field."""

    def __init__(self, parse: Callable[[str], object]) -> None:
        super().__init__()
        self.parse = parse

    def validate(self, value: str) -> ValidationResult:
        try:
            self.parse(value.strip())
        except (ValueError, KeyError) as error:
            return self.failure(printable(str(error).strip("'")))
        return self.success()


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    placeholder: str = ""
    value: str = ""
    validators: tuple[Validator, ...] = ()


class FormScreen(ModalScreen[dict[str, str] | None]):
    """A few labelled fields, OK and Cancel. Errors show once a submit was tried (then live as one types)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen #form-box { width: 76; max-width: 95%; height: auto; max-height: 100%; padding: 0 2; border: thick $primary;
                           background: $surface; }
    FormScreen .form-label { margin-top: 1; }
    FormScreen .form-error { color: $error; height: auto; }
    FormScreen .form-error.-empty { display: none; }
    FormScreen #form-buttons { height: auto; margin-top: 1; }
    FormScreen #form-buttons Button { margin-right: 2; }
    """

    def __init__(self, title: str, fields: Iterable[Field], ok: str = "OK") -> None:
        super().__init__()
        self.title_text = title
        self.fields = tuple(fields)
        self.ok = ok
        self._tried = False
        self.errors: dict[str, str] = {}  # what each field's error line says now ("" when none)

    def compose(self):
        with Vertical(id="form-box"):
            yield Static(Text(cut(printable(self.title_text), LONGEST), style="bold"), id="form-title")
            for field in self.fields:
                yield Label(Text(printable(field.label)), classes="form-label")  # plan text: never markup
                yield Input(value=field.value, placeholder=printable(field.placeholder), id=f"field-{field.name}",
                            validators=list(field.validators), validate_on=["changed", "submitted"])
                yield Static("", id=f"error-{field.name}", classes="form-error -empty")
            with Horizontal(id="form-buttons"):
                yield Button(self.ok, variant="primary", id="form-ok")
                yield Button("Cancel", id="form-cancel")

    def input(self, name: str) -> Input:
        return self.query_one(f"#field-{name}", Input)

    def _show(self, field: Field) -> bool:
        """Validate one field, show its error (or clear it); True when it is valid."""
        widget = self.input(field.name)
        result = widget.validate(widget.value)
        problems = [] if result is None or result.is_valid else result.failure_descriptions
        message = "; ".join(problems)
        self.errors[field.name] = message
        error = self.query_one(f"#error-{field.name}", Static)
        error.update(Text(cut(message, LONGEST)))
        error.set_class(not message, "-empty")
        return not message

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if self._tried:
            field = next((f for f in self.fields if f"field-{f.name}" == event.input.id), None)
            if field is not None:
                self._show(field)

    @on(Input.Submitted)
    @on(Button.Pressed, "#form-ok")
    def submit(self) -> None:
        self._tried = True
        invalid = [field for field in self.fields if not self._show(field)]
        if invalid:
            self.app.bell()
            self.input(invalid[0].name).focus()
            return
        self.dismiss({field.name: self.input(field.name).value.strip() for field in self.fields})

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ModalScreen[bool]):
    """A yes/no question: y (or Enter on Yes) confirms; n, Escape or No declines."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n", "answer(False)", "No"),
                Binding("escape", "answer(False)", "No")]
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm #confirm-box { width: 70; max-width: 95%; height: auto; padding: 1 2; border: thick $warning;
                           background: $surface; }
    Confirm #confirm-buttons { height: auto; margin-top: 1; }
    Confirm #confirm-buttons Button { margin-right: 2; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self):
        with Vertical(id="confirm-box"):
            yield Static(Text(cut(printable(self.question), LONGEST), style="bold"), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button("Yes (y)", variant="warning", id="confirm-yes")
                yield Button("No (n)", id="confirm-no")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")
