/* SPDX-License-Identifier: MIT */
#include "checker.h"

#include <stdlib.h>

static int by_time(const void *a, const void *b)
{
	const struct grant_record *x = a, *y = b;

	return (x->ts > y->ts) - (x->ts < y->ts);
}

void checker_sort(struct grant_record *rec, size_t n)
{
	qsort(rec, n, sizeof(*rec), by_time);
}

uint64_t check_window_peak(const struct grant_record *rec, size_t n, uint32_t limit,
			   uint64_t interval_ns, uint64_t *at)
{
	uint64_t sum = 0, peak = 0;
	size_t i = 0, j;

	/* Two pointers: rec[i..j] are this limit's grants in [ts_j - W, ts_j]. */
	for (j = 0; j < n; j++) {
		if (rec[j].limit != limit)
			continue;
		sum += rec[j].weight;
		for (; rec[i].ts + interval_ns < rec[j].ts; i++)
			if (rec[i].limit == limit)
				sum -= rec[i].weight;
		if (sum > peak) {
			peak = sum;
			if (at)
				*at = rec[j].ts;
		}
	}
	return peak;
}

int64_t check_bucket_excess(const struct grant_record *rec, size_t n, uint32_t limit,
			    uint64_t burst, uint64_t step_ns, uint64_t *at)
{
	/*
	 * With P(k) the weight of this limit's first k grants, the promise is
	 * (P(j+1) - P(i)) * T - (t_j - t_i) <= burst * T for all i <= j, i.e.
	 * max over j of (P(j+1) T - t_j) - min over i <= j of (P(i) T - t_i).
	 */
	int64_t prefix = 0, lowest = INT64_MAX, worst = INT64_MIN;
	size_t j;

	for (j = 0; j < n; j++) {
		int64_t here;

		if (rec[j].limit != limit)
			continue;
		if (prefix - (int64_t)rec[j].ts < lowest)
			lowest = prefix - (int64_t)rec[j].ts;
		prefix += (int64_t)rec[j].weight * (int64_t)step_ns;
		here = prefix - (int64_t)rec[j].ts - lowest - (int64_t)(burst * step_ns);
		if (here > worst) {
			worst = here;
			if (at)
				*at = rec[j].ts;
		}
	}
	return worst == INT64_MIN ? 0 : worst;
}

double check_utilization(const struct grant_record *rec, size_t n, uint32_t limit,
			 uint64_t capacity, uint64_t interval_ns, uint64_t from, uint64_t to)
{
	double weighted = 0;
	size_t i;

	/* A grant at t lies in the windows [a, a + W) with a in (t - W, t]. */
	for (i = 0; i < n; i++) {
		uint64_t lo, hi;

		if (rec[i].limit != limit)
			continue;
		lo = rec[i].ts < from + interval_ns ? from : rec[i].ts - interval_ns;
		hi = rec[i].ts < to ? rec[i].ts : to;
		if (hi > lo)
			weighted += (double)rec[i].weight * (double)(hi - lo);
	}
	return weighted / ((double)capacity * (double)(to - from));
}

uint64_t check_fixed_peak(const struct grant_record *rec, size_t n, uint32_t limit,
			  uint64_t interval_ns, uint64_t latency_ns, uint64_t error_ns, uint64_t *at,
			  double *mean, size_t *twice)
{
	uint64_t first = UINT64_MAX, last = 0, peak = 0, k, *sum;
	double inner = 0;
	size_t i;

	/* Interval k is met by the span of x when x - e < (k + 1)W and
	 * x + L + e >= kW: from floor((x - e) / W) to floor((x + L + e) / W). */
	for (i = 0; i < n; i++)
		if (rec[i].limit == limit) {
			if ((rec[i].ts - error_ns) / interval_ns < first)
				first = (rec[i].ts - error_ns) / interval_ns;
			if ((rec[i].ts + latency_ns + error_ns) / interval_ns > last)
				last = (rec[i].ts + latency_ns + error_ns) / interval_ns;
		}
	*mean = 0;
	*twice = 0;
	if (first > last)
		return 0;
	sum = calloc(last - first + 1, sizeof(*sum));
	if (!sum)
		abort();
	for (i = 0; i < n; i++) {
		uint64_t lo = (rec[i].ts - error_ns) / interval_ns;
		uint64_t hi = (rec[i].ts + latency_ns + error_ns) / interval_ns;

		if (rec[i].limit != limit)
			continue;
		*twice += hi > lo;
		for (k = lo; k <= hi; k++)
			sum[k - first] += rec[i].weight;
	}
	for (k = first; k <= last; k++) {
		if (sum[k - first] > peak) {
			peak = sum[k - first];
			if (at)
				*at = k * interval_ns;
		}
		if (k > first && k < last)
			inner += (double)sum[k - first];
	}
	if (last - first >= 2)
		*mean = inner / (double)(last - first - 1);
	free(sum);
	return peak;
}
