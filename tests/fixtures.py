"""Small content trees made on the fly, for error cases and escaping."""

from __future__ import annotations

from pathlib import Path

SITE_YAML = """\
title: 测试站点
short_title: 测试
description: 用于测试的小站点。
base_url: https://example.test/
language: zh-CN
documents: [demo]
nav:
  - {label: 决定, path: demo/index.html}
"""

TOPICS = """\
- slug: rencai
  name: 人才
  description: 人才相关条款。
"""

DOCUMENT = """\
---
title: 测试决定
short_title: 《测试》
doc_type: 决定
issuer: [某机关]
date_passed: 2025-07-31
status: 已生效
source: {file: seed.txt, description: 测试来源。}
editorial_notes: [无。]
---
{#preamble}
为了测试，作出如下决定：
"""

PROVISION = """\
---
number: {n}
label: {label}
title: 测试条文
topics: [rencai]
---
第一款的文字，提到揭榜挂帅。

第二款的文字。
"""

TERM = """\
---
term: 揭榜挂帅
slug: jiebang-guashuai
pinyin: jiē bǎng guà shuài
aliases: []
en: open call
see_also: []
---
一种科研任务组织方式的名称，用于测试的释义文字，长度足够。
"""


def make_site(root: Path, files: dict[str, str] | None = None) -> Path:
    """A valid two-provision site under root; `files` replaces or adds files (None deletes)."""
    tree = {
        "site.yaml": SITE_YAML,
        "content/topics.yaml": TOPICS,
        "content/demo/_document.md": DOCUMENT,
        "content/demo/01.md": PROVISION.format(n=1, label="一"),
        "content/demo/02.md": PROVISION.format(n=2, label="二"),
        "content/glossary/jiebang-guashuai.md": TERM,
    }
    tree.update(files or {})
    for rel, text in tree.items():
        path = root / rel
        if text is None:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return root
