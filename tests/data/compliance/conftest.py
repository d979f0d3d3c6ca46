# The folders here are fixture repositories for `platformctl check`, not tests to collect.
collect_ignore_glob = ["*"]
