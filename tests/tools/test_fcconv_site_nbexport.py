"""tools/fcconv_site/nbexport.py: MyST chapter -> plain runnable notebook."""

from __future__ import annotations

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
    glue={"alex_shared": "34,944", "ratio": "3025.4"},
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
