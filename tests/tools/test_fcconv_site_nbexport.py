"""tools/fcconv_site/nbexport.py: MyST chapter -> plain runnable notebook."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fcconv_site.nbexport import (
    INSTALL_TAG,
    BookFacts,
    convert_code,
    convert_markdown,
    dumps,
    export_notebook,
    install_cell_source,
)

FACTS = BookFacts(
    refs={"fig-rf": "Fig. 1.2", "gradients": "Gradients", "tab-acc": "Table 6.1"},
    equations={"eq-conv-dk": "2.3"},
    glue={"alex_shared": "34,944", "ratio": "3025.4", "n_params": "1370"},
    citations={"krizhevsky2012imagenet": "Krizhevsky et al., 2012", "cs231n": "Stanford CS231n, n.d."},
)


@pytest.mark.parametrize(
    ("myst", "plain"),
    [
        ("see {numref}`fig-rf`", "see Fig. 1.2"),
        ("see {numref}`Figure %s <fig-rf>`", "see Figure 1.2"),
        ("by {eq}`eq-conv-dk`", "by (2.3)"),
        ("the {ref}`gradients` chapter", "the Gradients chapter"),
        ("the {ref}`previous chapter <gradients>`", "the previous chapter"),
        ("a {term}`stride` of 2", "a stride of 2"),
        ("{term}`receptive fields <receptive field>`", "receptive fields"),
        ("AlexNet {cite:p}`krizhevsky2012imagenet`", "AlexNet (Krizhevsky et al., 2012)"),
        ("{cite:p}`krizhevsky2012imagenet,cs231n`", "(Krizhevsky et al., 2012; Stanford CS231n, n.d.)"),
        ("{cite:t}`cs231n`", "Stanford CS231n, n.d."),
        ("has {glue:text}`alex_shared` parameters", "has 34,944 parameters"),
        ("has {glue:}`alex_shared` parameters", "has 34,944 parameters"),
        ("about {glue:text}`ratio:.0f` times", "about 3025 times"),
        ("with {glue:text}`n_params:,` parameters", "with 1,370 parameters"),
    ],
)
def test_roles_become_plain_text(myst, plain):
    assert convert_markdown(myst, FACTS) == plain


def test_labels_comments_and_equation_labels():
    myst = "(geometry)=\n# Title\n% a comment\n$$\ny = Kx\n$$ (eq-conv-dk)\n"
    out = convert_markdown(myst, FACTS)
    assert out == "# Title\n$$\ny = Kx\n\\tag{2.3}\n$$"


def test_directives_become_block_quotes():
    myst = (
        "```{exercise}\n:label: ex-1\n\nCount the {term}`kernel` weights.\n```\n\n"
        "```{solution-start} ex-1\n:class: dropdown\n```\n\nNine.\n\n```{solution-end}\n```\n"
        "```{tableofcontents}\n```\n"
    )
    out = convert_markdown(myst, FACTS)
    assert out.splitlines()[:3] == ["> **Exercise.**", ">", "> Count the kernel weights."]
    assert "**Solution**" in out and "Nine." in out
    assert "{" not in out and ":label:" not in out and ":class:" not in out


def test_code_cells_lose_myst_nb_but_keep_other_imports():
    code = "import numpy as np\nfrom myst_nb import glue\nfrom IPython.display import HTML, Markdown\nx = 1"
    assert convert_code(code) == "import numpy as np\nfrom IPython.display import HTML\nx = 1"
    assert convert_code("from IPython.display import Markdown\ny = 2") == "y = 2"


def test_install_cell():
    src = install_cell_source("https://github.com/o/r", "main")
    assert src.endswith('%pip install --quiet "lessons-code[notebook] @ git+https://github.com/o/r@main"')
    assert install_cell_source(None) is None and install_cell_source("") is None
    with pytest.raises(ValueError, match="https repository URL"):
        install_cell_source("http://example.com/o/r")


def _chapter():
    return [
        {"cell_type": "markdown", "source": "(x)=\n# A chapter\nSee {numref}`fig-rf`.", "metadata": {}},
        {
            "cell_type": "code",
            "source": "from myst_nb import glue\nglue('a', 1)",
            "metadata": {"tags": ["hide-input"]},
        },
    ]


def test_export_with_and_without_repository():
    with_repo = export_notebook(_chapter(), FACTS, title="A chapter", repository_url="https://github.com/o/r")
    cells = with_repo["cells"]
    assert INSTALL_TAG in cells[1]["metadata"]["tags"]
    assert "def glue" in cells[2]["source"] and "def Markdown" in cells[2]["source"]
    assert cells[3]["source"] == "# A chapter\nSee Fig. 1.2."
    assert cells[4]["source"] == "glue('a', 1)" and cells[4]["metadata"]["jupyter"] == {"source_hidden": True}
    assert all(c["outputs"] == [] for c in cells if c["cell_type"] == "code")
    assert "{" not in "".join(c["source"] for c in cells if c["cell_type"] == "markdown")
    without = export_notebook(_chapter(), FACTS, title="A chapter")
    assert (
        without["cells"][1]["cell_type"] == "markdown" and "pip install -e" in without["cells"][1]["source"]
    )
    assert dumps(without) == dumps(export_notebook(_chapter(), FACTS, title="A chapter"))  # stable bytes


def test_bad_input():
    with pytest.raises(TypeError, match="list of cells"):
        export_notebook("not cells", FACTS, title="t")
    with pytest.raises(ValueError, match="markdown or code"):
        export_notebook([{"cell_type": "raw", "source": ""}], FACTS, title="t")


PLAYER_HTML = "<figure>" + "x" * 200_000 + "</figure>"
OUTPUTS = [
    [  # the import cell of the book: myst_nb only, left out of the notebook
    ],
    [
        {"output_type": "display_data", "metadata": {"scrapbook": {"name": "n_w"}},
         "data": {"application/papermill.record/text/plain": "'1,024'"}},
        {"output_type": "execute_result", "execution_count": 7, "metadata": {},
         "data": {"text/markdown": "| a |\n|---|\n| {numref}`fig-rf`, {eq}`eq-conv-dk` |", "text/plain": "<M>"}},
        {"output_type": "stream", "name": "stdout", "text": "done\n"},
    ],
    [{"output_type": "display_data", "metadata": {},
      "data": {"application/vnd.fcconv.player+json": {}, "text/html": PLAYER_HTML}}],
]  # fmt: skip


def _printing_chapter():
    return [
        {"cell_type": "code", "source": "from myst_nb import glue", "metadata": {"tags": ["remove-cell"]}},
        {"cell_type": "markdown", "source": "It has {glue:text}`n_w` weights.", "metadata": {}},
        {
            "cell_type": "code",
            "source": 'where = ["{ref}`the gradients <gradients>`"]\nMarkdown(t)',
            "metadata": {},
        },
        {"cell_type": "markdown", "source": "```{raw} html\n<div data-explorer></div>\n```", "metadata": {}},
        {"cell_type": "code", "source": "animation_player(anim)", "metadata": {}},
    ]


def test_published_outputs_and_roles_the_code_prints():
    facts = replace(FACTS, page_url="https://o.github.io/r/book/explorer.html")
    nb = export_notebook(_printing_chapter(), facts, title="T", outputs=OUTPUTS)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"][1:]  # after the stand-ins
    assert [c["source"] for c in code] == [_printing_chapter()[2]["source"], "animation_player(anim)"]
    shipped = code[0]["outputs"]
    assert [o["output_type"] for o in shipped] == ["execute_result", "stream"]  # the glue record left out
    assert shipped[0]["execution_count"] is None
    assert shipped[0]["data"]["text/markdown"] == "| a |\n|---|\n| Fig. 1.2, (2.3) |"
    assert code[1]["outputs"] == []  # a player over the cell budget: the reader runs the cell
    text = "\n".join(c["source"] for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "It has 1,024 weights." in text  # glued value read from the outputs
    assert (
        "[open it on the book's website](https://o.github.io/r/book/explorer.html)" in text
        and "Raw" not in text
    )
    # the stand-in resolves what the cells print when the reader runs them without myst_nb
    namespace: dict = {}
    exec(nb["cells"][2]["source"], namespace)
    shown = namespace["Markdown"]("see {numref}`fig-rf`, {eq}`eq-conv-dk`, {ref}`the gradients <gradients>`")
    assert shown.data == "see Fig. 1.2, (2.3), the gradients"
    assert namespace["Markdown"]("{numref}`unknown-label` and {term}`kernels <kernel>`").data == (
        "unknown-label and kernels"
    )
