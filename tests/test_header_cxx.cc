// SPDX-License-Identifier: MIT
// rlc.h compiles as C++ (-Werror, pedantic) and behaves as it does in C:
// the segment words are std::atomic<uint64_t> here and _Atomic uint64_t in C.
#include "rlc.h"

#include <cstdio>
#include <cstring>

static int failures;

static void check(bool ok, const char *what)
{
	if (!ok) {
		std::fprintf(stderr, "FAILED: %s\n", what);
		failures++;
	}
}

int main()
{
	static struct rlc_limit limit;
	static rlc_word ring[11];
	uint64_t token = 0, retry = 0;
	struct rlc h;

	limit.algorithm = RLC_ALGO_WINDOW;
	limit.capacity = limit.effective = 3;
	limit.slots = 11;
	limit.interval_ns = 1000;
	limit.step_ns = 100;
	limit.origin_ns = 0;
	check(rlc_window_take(&limit, ring, 50, 3, &token, &retry) == 0, "window grant");
	check(rlc_window_take(&limit, ring, 60, 1, &token, &retry) == -EAGAIN, "window refusal");
	check(retry == 1100 - 60, "window retry time");
	check(rlc_open(&h, "/rlc-test-cxx-no-such-segment", "cxx", 0) == -ENOENT, "open missing");
	check(std::strstr(h.why, "no such segment") != nullptr, "open reason");
	return failures ? 1 : 0;
}
