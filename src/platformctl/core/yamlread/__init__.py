"""The parts of :mod:`platformctl.core.yamlio`, which is the API: YAML 1.2 scalars, tags and
the YAML 1.1 schema as Backstage's ``yaml`` package reads them (``scalars``), libyaml's node
graph turned into plain values (``build``), what libyaml reads differently and how the text is
prepared for it (``compat``), and the yaml-rs fast path (``fast``)."""
