"""The two passes of tools/bookbuild.py, read off the build log: every page with code was executed
by the execution pass, and the Sphinx pass took every page's outputs from its cache."""

import re

import pytest
from bookbuild import page_source, read_notebook, toc_files


def test_sphinx_pass_executed_nothing_and_took_every_page_from_the_cache(site):
    if not site.log:
        pytest.skip("FCCONV_SITE points at a build without its _build/build.log")
    notebooks = {doc for doc in toc_files() if read_notebook(page_source(doc)) is not None}
    assert len(notebooks) >= 8
    executed = set(re.findall(r"^executed (\S+) in [0-9.]+ s$", site.log, flags=re.MULTILINE))
    reused = set(re.findall(r"^reused (\S+) ", site.log, flags=re.MULTILINE))  # make preview only
    assert executed | reused == notebooks and not executed & reused
    from_cache = set(re.findall(r"^(\S+): Using cached notebook", site.log, flags=re.MULTILINE))
    assert from_cache == {str(page_source(doc)) for doc in notebooks}
    assert "Executing notebook using" not in site.log  # myst-nb ran no page itself
