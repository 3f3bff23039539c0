/* SPDX-License-Identifier: MIT */
#include "grant_log.h"

#include <stdlib.h>
#include <sys/mman.h>

static size_t log_bytes(size_t capacity)
{
	return sizeof(struct grant_log) + capacity * sizeof(struct grant_record);
}

struct grant_log *grant_log_create(size_t capacity)
{
	struct grant_log *log = mmap(NULL, log_bytes(capacity), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (log == MAP_FAILED)
		abort();
	log->capacity = capacity;
	return log;
}

void grant_log_destroy(struct grant_log *log)
{
	munmap(log, log_bytes(log->capacity));
}

struct grant_record *grant_log_claim(struct grant_log *log, size_t n)
{
	/* Relaxed: the checker reads the records only after every writer has
	 * exited or been joined, which orders them. */
	uint64_t at = atomic_fetch_add_explicit(&log->next, n, memory_order_relaxed);

	return at + n <= log->capacity ? &log->rec[at] : NULL;
}

size_t grant_log_count(const struct grant_log *log)
{
	uint64_t n = atomic_load_explicit(&log->next, memory_order_relaxed);

	return n < log->capacity ? (size_t)n : (size_t)log->capacity;
}
