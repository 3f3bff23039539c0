// SPDX-License-Identifier: MIT
// The exchange's clock: the host's wall clock plus a configurable offset
// (a server whose time is not the client's), and the time scale that
// shortens every documented window so that a run takes seconds.
'use strict';

const { performance } = require('node:perf_hooks');

class Clock {
  // offsetMs: exchange time minus host time; scale: documented window
  // lengths are divided by it (60: a minute lasts a second).
  constructor({ offsetMs = 0, scale = 1 } = {}) {
    if (!Number.isFinite(offsetMs)) throw new RangeError(`clock offset ${offsetMs} is not a number of ms`);
    if (!(scale >= 1)) throw new RangeError(`time scale ${scale} must be at least 1`);
    this.offsetMs = offsetMs;
    this.scale = scale;
  }

  // Milliseconds since 1970 on the exchange's clock, with a fraction: the
  // monotonic clock from the process's start, so it never steps back.
  now() {
    return performance.timeOrigin + performance.now() + this.offsetMs;
  }

  // How long a documented window of `ms` lasts here.
  window(ms) {
    return ms / this.scale;
  }
}

module.exports = { Clock };
