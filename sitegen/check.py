"""`build.py check`: the content, then the built site on disk, then the published addresses.

- every internal link and anchor of the built site resolves (sitegen/linkcheck.py);
- every page and anchor the model promises (`addresses.published`) is in the built site,
  for any content tree;
- no address in the manifest (`anchors.txt`) has disappeared (sitegen/manifest.py);
- each document whose `source.file` can be read says exactly what its source says, apart
  from the recorded editorial rules (sitegen/fidelity.py); a source that cannot be found
  is said once, with the documents whose text was therefore not proved;
- a site built without the offline copy (`build.py --no-search`) is checked as such: its
  missing offline.zip is said once, not reported as a lost address (a full build's pages
  link to offline.zip, so a full build that lost it still fails on that link);
- with `--update-manifest`, the model's new addresses are added to the manifest.
"""

from __future__ import annotations

import sys

from . import addresses, fidelity, linkcheck, manifest
from .errors import ContentErrors, shown
from .pipeline import ROOT, Options, build_files


def run(opts: Options, update: bool = False) -> int:
    if update and opts.manifest is not None and not opts.manifest.exists():
        opts.manifest.write_text("", encoding="utf-8")  # --update-manifest starts a new one
    try:
        built = build_files(opts)
    except ContentErrors as exc:
        for err in exc.errors:
            print(err, file=sys.stderr)
        return 1
    for w in built.warnings:
        print(w, file=sys.stderr)
    if not opts.out.is_dir():
        print(f"{shown(opts.out)}: not built yet; run 'python build.py' first", file=sys.stderr)
        return 1
    files = linkcheck.read_tree(opts.out)
    full = opts.full and addresses.OFFLINE_ZIP in files
    if opts.full and not full:
        print(
            f"note: {shown(opts.out)}/ has no {addresses.OFFLINE_ZIP} (a build with --no-search): "
            "the offline copy was not checked",
            file=sys.stderr,
        )
    problems = linkcheck.broken_links(files)
    present = linkcheck.anchors(files) | addresses.built_only_in_full(full)
    promised = addresses.published(built.site, full=full)
    problems += [
        f"{shown(opts.out)}: published address {a!r} is missing from the built site"
        for a in promised
        if a not in present
    ]
    name = shown(opts.manifest) if opts.manifest else ""
    problems += [str(e) for e in manifest.missing(built.manifest, present, name)]
    proved = [d.slug for d in built.site.documents if fidelity.find_source(d, opts.content, ROOT)]
    unproved: dict[str, list[str]] = {}  # source file → the documents it should have proved
    for d in built.site.documents:
        if d.source_file and d.slug not in proved:
            unproved.setdefault(d.source_file, []).append(d.slug)
    for source, slugs in unproved.items():
        print(
            f"note: source {source} not found (looked beside the content folder and the repository): "
            f"the text of {', '.join(slugs)} was not proved against it",
            file=sys.stderr,
        )
    problems += fidelity.check_site(built.site, opts.content, ROOT)
    if update and not problems and opts.manifest:
        known = {e.address for e in built.manifest}
        added = [a for a in promised if a not in known]
        with opts.manifest.open("a", encoding="utf-8") as fh:
            fh.writelines(f"{a}\n" for a in added)
        print(f"added {len(added)} address(es) to {name}")
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"check failed: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(
        f"check passed: {len(files)} files, {len(present)} addresses, {len(built.manifest)} in the manifest"
        + (f"; text proved against the source: {', '.join(proved)}" if proved else "")
    )
    return 0
