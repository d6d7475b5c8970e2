"""``peacetalks view``: a static HTML site of the corpus (index, one page per article, layer comparison).

The site needs no server and no network: Jinja2 templates, one small stylesheet and script, and the
charts as static SVG rendered by Altair through vl-convert. :mod:`.spans` nests the annotations of
an article into markup, :mod:`.charts` makes the charts, :mod:`.site` writes the folder.
"""
