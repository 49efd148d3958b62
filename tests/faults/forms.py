"""Reading a page's form as a browser would submit it (without JavaScript)."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """Collects the successful controls of the first POST form whose ``action`` is ``action``."""

    def __init__(self, action: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._done = False
        self._select: str | None = None
        self._select_first: str | None = None
        self._option: dict[str, str | None] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if self._done:
            return
        if tag == "form" and (a.get("method") or "").lower() == "post" and a.get("action") == self.action:
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value") or "on"
            else:
                self.fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            value = a.get("value")
            if self._select_first is None:
                self._select_first = value or ""
            if "selected" in a:
                self.fields[self._select] = value or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "select" and self._select:
            # A select with nothing selected sends its first option.
            self.fields.setdefault(self._select, self._select_first or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            text = self.fields[self._textarea]
            if not text:
                # Browsers drop the one line break that may follow <textarea>.
                data = data.removeprefix("\r\n") if data.startswith("\r\n") else data.removeprefix("\n")
            self.fields[self._textarea] = text + data


def post_form_fields(html: str, action: str | None = None) -> dict[str, str]:
    """What the page's POST form to ``action`` (None: the form that posts to the page itself) sends
    when submitted as it is."""
    reader = _FormReader(action)
    reader.feed(html)
    return reader.fields
