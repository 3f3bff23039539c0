# SPDX-License-Identifier: MIT
"""The scenario's rlc.ini: the shipped Binance USD-M profile with the
sections of one arm's overlay (tools/scenario/ini/ARM.ini) put in place of
the profile's own, so the endpoints, weights and priorities bots reserve by
are the shipped ones."""

import re

SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")

RLCD_SECTION = """[rlcd]
clients = 64
heartbeat = 100ms
"""


def _key(header):
    return " ".join(header.lower().split())


def sections(text):
    """[(key or None, [lines])]: what comes before the first section, then
    each section with the lines up to the next one."""
    out = [(None, [])]
    for line in text.splitlines():
        m = SECTION.match(line)
        if m:
            out.append((_key(m.group(1)), [line]))
        else:
            out[-1][1].append(line)
    return out


def merge(profile, overlay, values):
    """The profile with every section of `overlay` replacing the profile's
    section of that name (or added at the end), @NAME@ in the overlay
    replaced by values[NAME]."""
    for name, value in values.items():
        overlay = overlay.replace(f"@{name}@", value)
    left = re.search(r"@[A-Z_]+@", overlay)
    if left:
        raise ValueError(f"overlay: no value for {left.group(0)}")
    replace = {k: lines for k, lines in sections(overlay) if k}
    out, used = [], set()
    for k, lines in sections(profile):
        if k in replace:
            out.extend(replace[k])
            used.add(k)
        else:
            out.extend(lines)
    for k, lines in replace.items():
        if k not in used:
            out.extend(lines)
    return RLCD_SECTION + "\n" + "\n".join(out) + "\n"
