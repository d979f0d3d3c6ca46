"""Fleet runs: inventory (``inventory``), one plain function per repository run over a bounded
worker pool (``runner``), status and check (``status``), template update rollout
(``update``), partial results merged (``merge``) and reports (``report``)."""
