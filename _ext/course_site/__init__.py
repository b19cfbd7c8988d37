"""The course's additions to the stock Jupyter Book 1 website (loaded by _config.yml's
sphinx.local_extensions); tests/test_site_browser.py checks each of them in a browser.

Additions:
- the site is complete by itself: MathJax comes from the site's own _static/mathjax/, a copy
  of the release that package.json pins (node_modules/mathjax, installed by `npm ci`, which
  `make book` runs), so math renders without a network and from file:// too. npm rather than
  a copy in git: package-lock.json pins the release by its hash, and the 9 MB the site ships
  (the menu's SVG output and speech rules included) stay out of the repository's history;
- every exercise page (exercises/...) opens with a box that says how to work on it: a
  download link for the student notebook and how to open it in JupyterLab;
- a build that sets a launch-button hub but no repository URL fails with a clear message
  (Jupyter Book would otherwise send readers to its own repository, or crash);
- the build writes how long each notebook took to execute (cached or now) to
  _build/execution-times.txt, slowest first: the book's notebooks aim at under a minute each
  on 2 cores, a figure to read after a build, not a test that fails on a slower machine.

Fixes to the stock site (Sphinx 7.4, pydata-sphinx-theme 0.17, sphinx-book-theme 1.x,
sphinx-thebe 0.3):
- every page loaded sphinx-thebe's inline configuration twice (Sphinx 7.4 adds inline
  scripts registered after the builder started once more), a `const` declared twice: a
  JavaScript error on every page. We drop repeated scripts;
- pydata-sphinx-theme starts a first-time visitor in an invalid colour mode (a console
  error) unless `default_mode` is set: we default it to "auto" (the reader's system setting);
- the bibliography is an ARIA list whose items have the deprecated role `doc-biblioentry`
  instead of `listitem` (an axe "critical" violation);
- static/course_site.js names the theme's icon-only controls for screen readers;
  static/course_site.css lets long inline code wrap in narrow windows and prints Keras's
  coloured model summaries in the text colour (their light greens fail the contrast check).
"""
import posixpath
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.errors import ConfigError, ExtensionError

STATIC = Path(__file__).resolve().parent / "static"
JUPYTER_BOOK_DEFAULT_REPOSITORY = "https://github.com/executablebooks/jupyter-book"
# The parts of the MathJax release (as npm installs it) that the site ships, and where they go
# under _static/mathjax/: the component the pages load (_config.yml's mathjax_path), what it
# loads later (fonts, TeX extensions, the menu's renderers and accessibility tools with their
# speech rules), and the licence that goes with them.
MATHJAX_RELEASE = "node_modules/mathjax"
MATHJAX_PARTS = {f"es5/{name}": name for name in ("tex-mml-chtml.js", "input", "output", "a11y", "ui", "sre")}
MATHJAX_PARTS["LICENSE"] = "LICENSE"


def _mathjax_release(app) -> Path:
    return Path(app.srcdir) / MATHJAX_RELEASE


def _check_mathjax(app):
    """Fail at the start of an HTML build, not after the notebooks ran, if MathJax is missing."""
    if app.builder.format != "html":
        return
    missing = [part for part in MATHJAX_PARTS if not (_mathjax_release(app) / part).exists()]
    if missing:
        raise ExtensionError(
            f"{_mathjax_release(app)} lacks {', '.join(missing)}: the website ships its own copy of "
            "MathJax; run `npm ci` in the book's root (`make book` does)")


def _copy_mathjax(app, exception):
    """Put the MathJax release into _static/mathjax/, where mathjax_path points."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    for part, name in MATHJAX_PARTS.items():
        source = _mathjax_release(app) / part
        if source.is_dir():
            shutil.copytree(source, target / name, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _write_execution_times(app, exception):
    from myst_nb.sphinx_ import NbMetadataCollector

    if exception is not None:
        return
    times = {name: (data or {}).get("runtime") for name in sorted(app.env.found_docs)
             if (data := NbMetadataCollector.get_exec_data(app.env, name)) is not None}
    lines = [f"{seconds:7.1f} s  {name}" for name, seconds in
             sorted(times.items(), key=lambda item: -(item[1] or 0)) if seconds is not None]
    (Path(app.outdir).parent / "execution-times.txt").write_text("\n".join(lines) + "\n")


def _config_inited(app, config):
    config.html_context.setdefault("default_mode", "auto")
    config.html_static_path.append(str(STATIC))
    theme = config.html_theme_options or {}
    launch = theme.get("launch_buttons") or {}
    hubs = [key for key in ("jupyterhub_url", "binderhub_url", "colab_url") if launch.get(key)]
    repository = (theme.get("repository_url") or "").strip()
    if hubs and repository in ("", JUPYTER_BOOK_DEFAULT_REPOSITORY):
        raise ConfigError(
            f"_config.yml sets launch_buttons.{hubs[0]} but no repository.url: the launch buttons "
            "clone the course from its repository, so set repository.url (and repository.branch) too")


def _exercise_box(app, doctree):
    """Put 'how to work on this exercise' under the title of every exercise page."""
    docname = app.env.docname
    if not docname.startswith("exercises/") or Path(app.env.doc2path(docname)).suffix != ".ipynb":
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    name = posixpath.basename(docname) + ".ipynb"
    href = posixpath.relpath(f"_sources/{docname}.ipynb", posixpath.dirname(docname))
    text = nodes.paragraph()
    text += nodes.reference("", f"Download {name}", refuri=href, classes=["exercise-download"])
    text += nodes.Text(" (or use the download button at the top of this page) and open it in "
                       "JupyterLab, in the course's Python environment: ")
    text += nodes.literal(text=f"jupyter lab {name}")
    text += nodes.Text(". From a clone of the course repository, ")
    text += nodes.literal(text="make lab")
    text += nodes.Text(" opens all the exercises. Below is the notebook as you get it, not run: "
                       "the code you write replaces each ")
    text += nodes.literal(text="raise NotImplementedError(...)")
    text += nodes.Text(", and the test cell under it tells you what is still wrong.")
    box = nodes.admonition(classes=["tip", "exercise-how-to"])
    box += nodes.title(text="Work on this exercise in JupyterLab")
    box += text
    section.insert(1, box)


def _page_context(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        seen, unique = set(), []
        for script in scripts:
            key = (str(getattr(script, "filename", script) or ""),
                   tuple(sorted(getattr(script, "attributes", {}).items())))
            if key not in seen:
                seen.add(key)
                unique.append(script)
        scripts[:] = unique
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _check_mathjax)
    app.connect("build-finished", _copy_mathjax)
    app.connect("build-finished", _write_execution_times)
    app.connect("doctree-read", _exercise_box)
    app.connect("html-page-context", _page_context, priority=900)
    app.add_js_file("course_site.js")
    app.add_css_file("course_site.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
