#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# embed.py INPUT OUTPUT: write INPUT (etc/rlc.ini) as the C array
# rlc_config_builtin, so that rlcd's built-in default and the example file
# are one and the same text.  Bytes, not a string literal: ISO C only
# promises 4095-character literals, and -Wpedantic holds us to it.
import os
import sys

src, dst = sys.argv[1:3]
with open(src, 'rb') as f:
    data = f.read()

out = ['/* Generated from %s by embed.py: edit that file, not this one. */'
       % os.path.basename(src),
       '#include "config.h"',
       '',
       'const char rlc_config_builtin[] = {']
for i in range(0, len(data), 12):
    # char may be signed: write bytes above 127 as their negative value
    row = [str(b - 256 if b > 127 else b) for b in data[i:i + 12]]
    out.append('\t' + ', '.join(row) + ',')
out += ['\t0', '};', 'const size_t rlc_config_builtin_size = %d;' % len(data), '']

with open(dst, 'w') as f:
    f.write('\n'.join(out))
