"""Work gathered inside a block and done once when the outermost block ends."""

import threading
from contextlib import contextmanager


@contextmanager
def gathered(local: threading.local):
    """Yield the list this thread gathers into, kept on `local.items` while the block runs, or
    None inside an outer block (which gathers for both). The list is dropped when the block ends,
    however it ends; the caller acts on it only after a block that ended normally."""
    if getattr(local, "items", None) is not None:
        yield None
        return
    local.items = items = []
    try:
        yield items
    finally:
        local.items = None


def gathering(local: threading.local) -> list | None:
    """The list a `gathered` block of this thread is filling, or None outside one."""
    return getattr(local, "items", None)
