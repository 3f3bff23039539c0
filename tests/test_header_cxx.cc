// SPDX-License-Identifier: MIT
// rlc.h as a C++17 bot includes it: the C header test, compiled as C++
// with the same warnings as errors.  Here the segment words are
// std::atomic<uint64_t> (rlc/atomic.h asserts they never hide a lock);
// in C they are _Atomic uint64_t (rlc/segment.h pins the same layout).
#include <type_traits>

#include "test_header_c.c"

static_assert(std::is_same<rlc_word, std::atomic<uint64_t>>::value,
	      "C++ sees the segment words as std::atomic<uint64_t>");
