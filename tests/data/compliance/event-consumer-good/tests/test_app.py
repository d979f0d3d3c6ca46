# Tests are not the service: an automatic commit here does not count.
CONFIG = {"enable.auto.commit": True}
