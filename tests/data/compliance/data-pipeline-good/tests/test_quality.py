from include.pipe.quality import check


def test_check():
    assert check([])
