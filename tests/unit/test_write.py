"""The staging write: unchanged pages are linked to the previous output, never written through."""

from __future__ import annotations

import os

from sitegen import write


def test_a_page_the_previous_output_holds_is_linked_and_a_rewrite_never_reaches_it(tmp_path):
    previous, staging = tmp_path / "out", tmp_path / "staging"
    (previous / "a").mkdir(parents=True)
    (previous / "a" / "same.html").write_text("同一页", encoding="utf-8")
    (previous / "a" / "changed.html").write_text("旧", encoding="utf-8")

    write.write_files(staging, {"a/same.html": "同一页", "a/changed.html": "新"}, previous)
    assert os.path.samefile(staging / "a/same.html", previous / "a/same.html")  # linked, not written
    assert not os.path.samefile(staging / "a/changed.html", previous / "a/changed.html")

    # A later step of the same build writes the page again (the offline copy does, for the home page).
    write.write_files(staging, {"a/same.html": "再写一次"})
    assert (staging / "a/same.html").read_text(encoding="utf-8") == "再写一次"
    assert (previous / "a/same.html").read_text(encoding="utf-8") == "同一页"  # the previous output is intact


def test_a_symbolic_link_in_the_previous_output_is_never_linked(tmp_path):
    previous, staging, elsewhere = tmp_path / "out", tmp_path / "staging", tmp_path / "elsewhere.html"
    previous.mkdir()
    elsewhere.write_text("页", encoding="utf-8")
    (previous / "p.html").symlink_to(elsewhere)  # same bytes, but a file outside the output

    write.write_files(staging, {"p.html": "页"}, previous)
    assert not (staging / "p.html").is_symlink()
    assert not os.path.samefile(staging / "p.html", elsewhere)
    assert (staging / "p.html").read_text(encoding="utf-8") == "页"


def test_a_writer_puts_pages_on_disk_before_wait_returns(tmp_path):
    writer = write.Writer(tmp_path)
    write.make_folders(tmp_path, ["d/1.html", "d/2.html"])
    writer.put("d/1.html", "一")
    writer.put("d/2.html", "二")
    writer.close()
    assert [(tmp_path / f"d/{n}.html").read_text(encoding="utf-8") for n in (1, 2)] == ["一", "二"]
