// SPDX-License-Identifier: MIT
// The two kinds of counter an exchange keeps: a fixed window that resets at
// each boundary of the exchange's clock (Binance), and a rolling window that
// forgets each unit a window after it was counted (Bybit).
'use strict';

// Weight counted in the window of the exchange's clock that holds `now`.
class FixedCounter {
  constructor(limit, windowMs) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.start = -Infinity;
    this.count = 0;
  }

  roll(now) {
    const start = Math.floor(now / this.windowMs) * this.windowMs;
    if (start !== this.start) {
      this.start = start;
      this.count = 0;
    }
  }

  used(now) {
    this.roll(now);
    return this.count;
  }

  fits(now, weight) {
    return this.used(now) + weight <= this.limit;
  }

  add(now, weight) {
    this.roll(now);
    this.count += weight;
  }

  // Milliseconds until the count resets.
  resetIn(now) {
    this.roll(now);
    return this.start + this.windowMs - now;
  }
}

// Weight counted in the last `windowMs` before `now`, unit by unit.
class RollingCounter {
  constructor(limit, windowMs) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.times = [];
    this.weights = [];
    this.head = 0;
    this.count = 0;
  }

  expire(now) {
    while (this.head < this.times.length && this.times[this.head] <= now - this.windowMs) {
      this.count -= this.weights[this.head];
      this.head++;
    }
    // drop the forgotten prefix now and then, not on every call
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.weights = this.weights.slice(this.head);
      this.head = 0;
    }
  }

  used(now) {
    this.expire(now);
    return this.count;
  }

  fits(now, weight) {
    return this.used(now) + weight <= this.limit;
  }

  add(now, weight) {
    this.expire(now);
    this.times.push(now);
    this.weights.push(weight);
    this.count += weight;
  }

  // Milliseconds until enough is forgotten for one more unit.
  resetIn(now) {
    this.expire(now);
    let over = this.count - this.limit + 1;
    for (let i = this.head; i < this.times.length; i++) {
      over -= this.weights[i];
      if (over <= 0) return this.times[i] + this.windowMs - now;
    }
    return 0;
  }
}

module.exports = { FixedCounter, RollingCounter };
