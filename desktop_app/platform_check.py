"""Before the window opens on Linux: are the system libraries Qt's X11 plugin needs there?

Without them Qt aborts the process with a message that names the wrong library ("Could not
load the Qt platform plugin xcb"); nothing can be caught then. So the libraries are tried first,
and a missing one is named with the packages that provide it. No Qt here.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Mapping

#: The libraries Qt's xcb plugin loads, with the Debian/Ubuntu and the Fedora package of each.
XCB_LIBRARIES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
}


def _loadable(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def missing_libraries(environ: Mapping[str, str], platform: str,
                      loadable: Callable[[str], bool] = _loadable) -> list[str]:
    """The xcb libraries that cannot be loaded, when Qt is going to need them (else none).

    Only on Linux, and only when Qt will use its X11 plugin: not with another
    ``QT_QPA_PLATFORM`` (``offscreen``, ``wayland``…) nor on a Wayland session that did not ask
    for X11.
    """
    if not platform.startswith("linux"):
        return []
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith("xcb"):
        return []
    if not chosen and environ.get("WAYLAND_DISPLAY"):
        return []
    return [name for name in XCB_LIBRARIES if not loadable(name)]


def advice(missing: list[str]) -> str:
    """What to tell the person: which libraries are missing and how to install them."""
    debian = sorted({XCB_LIBRARIES[name][0] for name in missing})
    fedora = sorted({XCB_LIBRARIES[name][1] for name in missing})
    return ("Worthwhile's window needs system libraries that are not installed: "
            f"{', '.join(missing)}.\n"
            f"  Debian/Ubuntu: sudo apt install {' '.join(debian)}\n"
            f"  Fedora:        sudo dnf install {' '.join(fedora)}\n"
            "Then start Worthwhile again. (The command line works without them.)")
