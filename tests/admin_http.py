"""Use a live server's Wagtail admin over HTTP, as a browser without JavaScript would.

Servers run with production settings on plain http, so their cookies carry the Secure
flag that an http client would rightly refuse to send back; this client keeps cookies
itself, per server, to act like a browser behind the TLS proxy that production has.
"""

import json
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


class FormFields(HTMLParser):
    """What a browser would submit from one form, plus its StreamField blocks.

    Wagtail builds StreamField inputs in JavaScript from ``data-w-block-arguments-value``;
    ``streams`` maps each such field name to its current value, so a caller can submit an
    empty stream (``<name>-count=0``) knowingly. Inline-panel templates are skipped.
    """

    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.fields: list[tuple[str, str]] = []
        self.streams: dict[str, list] = {}
        self._in_form = False
        self._template_depth = 0
        self._select: str | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._option: tuple[str, bool] | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = self.form_id is None or a.get("id") == self.form_id
            return
        if tag == "template":
            self._template_depth += 1
        if not self._in_form or self._template_depth:
            return
        if a.get("data-controller") == "w-block" and "id" in a:
            self.streams[a["id"]] = json.loads(a.get("data-w-block-arguments-value", "[[]]"))[0]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_options = name, []
        elif tag == "option" and self._select:
            self._option = (a.get("value"), "selected" in a)
            self._text = ""
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        self._text += data

    def handle_endtag(self, tag):
        if tag == "template" and self._template_depth:
            self._template_depth -= 1
        elif tag == "form":
            self._in_form = False
        elif tag == "option" and self._option is not None:
            value, selected = self._option
            self._select_options.append((self._text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and self._select_options:
                chosen = [self._select_options[0][0]]
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def form_fields(html: str, form_id: str | None = None) -> FormFields:
    parser = FormFields(form_id)
    parser.feed(html)
    parser.close()
    return parser


class AdminSession:
    """One signed-in (or not yet) browser on one server; cookies can move to another."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None):
        self.base_url = base_url
        self.cookies: dict[str, str] = dict(cookies or {})
        self.http = requests.Session()

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        response = self.http.request(
            method,
            urljoin(self.base_url, path),
            cookies=self.cookies,
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        for cookie in response.cookies:
            if cookie.value:
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def submit(
        self,
        path: str,
        changes: dict[str, str] | None = None,
        *,
        form_id: str | None = None,
        files: dict | None = None,
    ) -> requests.Response:
        """GET the form at ``path``, fill in ``changes``, POST it back to the same URL."""
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        form = form_fields(page.text, form_id)
        data = [(name, value) for name, value in form.fields if name not in (changes or {})]
        for name, value in form.streams.items():
            # Blocks exist only as JavaScript state; an empty stream is submitted as such.
            assert value == [], f"cannot submit the blocks of {name!r} without JavaScript"
            data.append((f"{name}-count", "0"))
        data += list((changes or {}).items())
        return self.request("POST", path, data=data, files=files, headers={"Referer": page.url})

    def log_in(self, username: str, password: str) -> None:
        response = self.submit("/admin/login/", {"username": username, "password": password})
        assert response.status_code == 302, response.text[-2000:]
        assert "sessionid" in self.cookies
