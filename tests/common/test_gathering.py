import threading

import pytest

from najiz.common.gathering import gathered, gathering


def test_the_outermost_block_gathers_and_the_list_is_dropped_however_it_ends():
    local = threading.local()
    assert gathering(local) is None
    with gathered(local) as items:
        gathering(local).append(1)
        with gathered(local) as inner:
            assert inner is None  # the outer block gathers for both
            gathering(local).append(2)
    assert items == [1, 2] and gathering(local) is None
    with pytest.raises(RuntimeError), gathered(local):
        gathering(local).append(3)
        raise RuntimeError
    assert gathering(local) is None
