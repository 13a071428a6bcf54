"""MkDocs hook: publish the repository's CHANGELOG.md as the site's changelog page.

docs/changelog.md only holds a pointer, so the changelog has one source: the
file at the root of the repository, which is what packagers and readers of
the repository see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHANGELOG_PAGE = "changelog.md"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page.file.src_uri != CHANGELOG_PAGE:
        return markdown
    root = Path(config.config_file_path).resolve().parent
    return (root / "CHANGELOG.md").read_text(encoding="utf-8")
