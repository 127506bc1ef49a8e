"""fcconv_site: the book's one local Sphinx extension package (installed with the project).

Placeholder while the site extensions move here from ``tools/*.py``.
"""


def setup(app):
    return {"parallel_read_safe": True, "parallel_write_safe": True}
