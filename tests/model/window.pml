/* SPDX-License-Identifier: MIT */
/*
 * tests/model/window.pml - a Promela model of the lock-free sliding-window
 * ring of include/rlc/window.h: rlc_window_take (with rlc__window_sum,
 * rlc__window_completed, rlc__window_seal, the roll and its cache install)
 * and rlc_window_refund, as rlc_try_n drives them (a fresh clock read after
 * -ESTALE).
 *
 * Granularity.  Each process is a program counter `pc` and one step per
 * shared-memory access, like the labels of a PlusCal algorithm: every load,
 * every CAS and every store of a shared word (the head l->state, the cache
 * l->sum, a ring slot) is its own atomic step (a d_step), and the purely
 * local computation that follows it, up to the next shared access, is folded
 * into the same step (no other process can see it).  Each step's comment
 * names the C statement it models.  Folding keeps the state count near one
 * state per shared access per process, which is what lets three processes be
 * checked exhaustively.
 *
 * Abstractions, and why each is exact or safe:
 *   - Time is counted in epochs.  With start = origin + e_h * step, the C
 *     test `now < start` is `epoch(now) < e_h`, and `e` (computed with or
 *     without the division) is `epoch(now)`; the model's clock is epoch(now).
 *     origin is 0; head, cache and ring start zeroed, as in a fresh segment
 *     (rlcd's layout leaves them to the zero-filled shm).
 *   - The clock is a shared monotonic counter.  Reading it may first advance
 *     it by any amount (up to MAXE), which covers every way it can move
 *     between two reads.  `now` then goes stale while the process is delayed
 *     by others: late adders are covered.
 *   - Words are (epoch, count) packed as epoch * CB + count like RLC__WORD;
 *     counts stay below S * C < CB here, so RLC_COUNT_MAX saturation is not
 *     reached and not modelled.
 *   - rlc__window_retry only reads the ring to compute *retry_ns; a refusal
 *     is modelled as returning at once.
 *   - Promela is sequentially consistent.  The model checks the algorithm;
 *     the acquire/release argument of window.h (a ring reader first
 *     acquire-loads a head at or past the seals it needs) is reviewed by hand.
 *   - A weak CAS's spurious failure is not modelled: it reloads the value it
 *     expected and redoes the iteration, which for safety is the same as the
 *     process being delayed, and for progress is the hardware's business.
 *   - Crashes.  A process may stop for ever after any step.  Spin explores
 *     every interleaving, including those in which a process is never
 *     scheduled again after a given step while the others run on, so every
 *     state reachable with a crashed process is explored.  The invariant is
 *     asserted in the very step that can raise a window's net weight (each
 *     grant), so no end state is needed to check it.
 *   - Progress.  No step ever blocks, so spin's end-state check says that
 *     every process can always finish.  Lock-freedom is checked by running
 *     pan -l (compiled with -DNP): the model is finite, so an unbounded retry
 *     loop (of one process alone, or of several) is a reachable cycle; there
 *     are no progress labels, so every cycle is reported.  The one retry that
 *     is not a failed CAS (a seal that finds a later epoch) asserts that the
 *     head did move.
 *
 * The invariant (window.h: a grant of epoch e counts in epochs e .. e+S-1):
 *   for every epoch E, the net weight (granted and not given back) of the
 *   grants whose epoch lies in [E - S + 1, E] is at most C.
 * With (S - 1) w >= W every time interval of length W lies within S
 * consecutive epochs, so this is DESIGN.md's window invariant.
 *
 * Ghost log.  Kept as the net granted weight per epoch, g_net[e]: a grant
 * adds its weight in the step of the head CAS that makes it (the process
 * keeps (epoch, weight) as its token); a refund subtracts it in the step of
 * the CAS that lowers a count for it, or in the step that finds nothing left
 * to lower (the grant has left every window a later grant can fall in).
 * Logging a refund no earlier than the counters drop is the strict choice:
 * a refund that lowered a count too much, or too early, would show.  Sums
 * rather than one record per grant let spin merge states that differ only in
 * which process made which grant.
 *
 * Broken variants (each must make spin report an assertion violation):
 *   BROKEN_NO_STALE          no -ESTALE test: a late adder whose clock is
 *                            older than the head rolls the head back into
 *                            its own, older epoch.
 *   BROKEN_SEAL_OVERWRITE    the seal stores (e_h, c_h) instead of merging
 *                            with a max: a stale sealer lowers a slot that a
 *                            roll has sealed with a larger count.
 *   BROKEN_CACHE_BEFORE_CAS  the roller installs its cached sum before its
 *                            head CAS: if the CAS then fails because a late
 *                            grant landed in the old epoch, the cache for
 *                            the new epoch misses that grant for good.
 * and one that must make pan -l report a non-progress cycle:
 *   BROKEN_NO_RELOAD         after a seal that finds a later epoch, retry
 *                            without reloading the head: the process seals
 *                            the same stale head for ever (lock-freedom).
 */

#ifndef S
#define S 3 /* ring slots (l->slots) */
#endif
#ifndef C
#define C 2 /* capacity (l->effective) */
#endif
#ifndef MAXE
#define MAXE 5 /* last epoch the clock reaches */
#endif
#ifndef NPROC
#define NPROC 3 /* client processes */
#endif
#ifndef TAKES
#define TAKES 1 /* takes per process */
#endif
#ifndef WMAX
#define WMAX 2 /* weights are 1 .. WMAX (1 or 2) */
#endif

/* RLC__WORD / RLC__EPOCH / RLC__COUNT */
#define CB 16
#define WORD(e, c) ((e) * CB + (c))
#define EPOCH(x) ((x) / CB)
#define COUNT(x) ((x) % CB)
#define MIN(a, b) ((a) < (b) -> (a) : (b))

/*
 * SHOW prints one line per step when a trail is replayed with -DTRACE
 * (run-spin.sh does that for a counterexample); it is a no-op otherwise.
 * (e, c) words print as e:c.
 */
#ifdef TRACE
#define SHOW(...) printf(__VA_ARGS__)
#else
#define SHOW(...) skip
#endif

/* Shared words of struct rlc_limit and its ring, and the clock. */
byte state;   /* l->state: head (e_h, c_h) */
byte sum;     /* l->sum: cache (e, sum of the completed epochs) */
byte ring[S]; /* ring[i]: sealed (e, c) of an epoch e with e % S == i */
byte clock;   /* CLOCK_MONOTONIC, in epochs since l->origin_ns */

byte g_net[MAXE + 1]; /* ghost: net granted weight per epoch */
byte finished;        /* ghost: processes that ran to the end */

/*
 * Assert the invariant over the ghost log for every window [E - S + 1, E]
 * with E <= MAXE (a window that ends later is a subset of the one ending at
 * MAXE).  Scratch variables are globals reset to 0, so they add no states.
 */
byte ck_e, ck_k, ck_tot;

inline check_invariant()
{
	ck_e = 0;
	do
	:: ck_e <= MAXE ->
		ck_k = 0;
		ck_tot = 0;
		do
		:: ck_k < S && ck_k <= ck_e ->
			ck_tot = ck_tot + g_net[ck_e - ck_k];
			ck_k++
		:: else -> break
		od;
		if
		:: ck_tot > C ->
			SHOW("VIOLATION: net weight %d > C = %d in epochs %d..%d\n",
			     ck_tot, C, ck_e + 1 - MIN(ck_e + 1, S), ck_e)
		:: else -> skip
		fi;
		assert(ck_tot <= C);
		ck_e++
	:: else -> break
	od;
	ck_e = 0;
	ck_k = 0;
	ck_tot = 0
}

#ifdef CHECK_EXACT
/*
 * A probe, not a safety property: when every process has finished (none
 * crashed, none in flight), do the head and the sealed slots of the head's
 * window hold exactly the net weight of their epochs?  window.h allows them
 * to over-count (a seal taken before a refund keeps the refunded weight, a
 * stale sealer raises a slot again), so pan -DCHECK_EXACT shows how.
 */
inline check_exact()
{
	assert(COUNT(state) == g_net[EPOCH(state)]);
	ck_k = 1;
	do
	:: ck_k < S && ck_k <= EPOCH(state) ->
		ck_e = EPOCH(state) - ck_k;
		if
		:: EPOCH(ring[ck_e % S]) == ck_e ->
			if
			:: COUNT(ring[ck_e % S]) != g_net[ck_e] ->
				SHOW("OVER-COUNT: ring[%d] = %d:%d, net weight of epoch %d is %d\n",
				     ck_e % S, ck_e, COUNT(ring[ck_e % S]), ck_e, g_net[ck_e])
			:: else -> skip
			fi;
			assert(COUNT(ring[ck_e % S]) == g_net[ck_e])
		:: else -> assert(g_net[ck_e] == 0)
		fi;
		ck_k++
	:: else -> break
	od;
	ck_e = 0;
	ck_k = 0
}
#endif

/* Program counter values: one per shared access. */
mtype = {
	P_CLOCK,        /* rlc_try_n: now = rlc_now_ns() */
	T_HEAD,         /* take: head = rlc__load_acquire(&l->state) */
	T_SUM_CACHE,    /* rlc__window_sum: cached = rlc__load_relaxed(&l->sum) */
	T_SUM_SLOT,     /* rlc__window_sum -> rlc__window_completed: one slot load */
	T_SUM_INSTALL,  /* rlc__window_sum: rlc__cas_relaxed(&l->sum, ...) */
	T_GRANT,        /* e == e_h: rlc__cas_acq_rel(&l->state, head -> (e, hc + w)) */
	T_SEAL_LOAD,    /* rlc__window_seal: v = rlc__load_relaxed(slot) */
	T_SEAL_CAS,     /* rlc__window_seal: rlc__cas_relaxed(slot, &v, (he, hc)) */
	T_RELOAD,       /* seal returned 0: head = rlc__load_acquire(&l->state) */
	T_ROLL_SLOT,    /* rlc__window_completed after the seal: one slot load */
	T_ROLL,         /* rlc__cas_acq_rel(&l->state, head -> (e, w)) */
	T_CACHE_LOAD,   /* after the roll: cached = rlc__load_relaxed(&l->sum) */
	T_CACHE_CAS,    /* after the roll: rlc__cas_relaxed(&l->sum, ...) */
	P_AFTER,        /* rlc_try_n returned: maybe refund the grant */
	R_HEAD,         /* refund: head = rlc__load_acquire(&l->state) */
	R_HEAD_CAS,     /* refund: rlc__cas_acq_rel(&l->state, head -> (tok, c - w)) */
	R_SLOT_LOAD,    /* refund: v = rlc__load_relaxed(slot) */
	R_SLOT_CAS,     /* refund: rlc__cas_relaxed(slot, &v, (tok, c - w)) */
	P_END
};

/* Result of a take. */
#define R_OK 0
#define R_EAGAIN 1

/*
 * Local tails shared by several steps.  Each runs inside the d_step of the
 * access before it and ends by setting the next pc.
 */

/* rlc_window_take, top of for (;;): from a (re)loaded head. */
inline take_loop()
{
	he = EPOCH(head);
	hc = COUNT(head);
#ifndef BROKEN_NO_STALE
	if
	:: now < he -> /* if (now < start) return -ESTALE: read the clock again */
		SHOW("p%d   -ESTALE (now %d < head epoch %d)\n", id, now, he);
		pc = P_CLOCK
	:: else ->
#endif
		e = now; /* e = now - start < step ? he : rlc__window_epoch(l, now) */
		if
		:: e == he -> pc = T_SUM_CACHE /* sum = rlc__window_sum(l, ring, e) */
		:: else -> pc = T_SEAL_LOAD    /* rlc__window_seal(l, ring, he, hc) */
		fi
#ifndef BROKEN_NO_STALE
	fi
#endif
}

/* e == e_h, sum(e) known: if (hc + sum + weight > l->effective) return -EAGAIN */
inline take_check_current()
{
	if
	:: hc + tot + w > C ->
		SHOW("p%d   -EAGAIN: %d + sum %d + %d > C\n", id, hc, tot, w);
		res = R_EAGAIN;
		pc = P_AFTER
	:: else -> pc = T_GRANT
	fi
}

/* The rest of rlc__window_sum after its completed-sum loop. */
inline sum_computed()
{
	if
	:: EPOCH(cached) < e -> pc = T_SUM_INSTALL /* while (EPOCH(cached) < e && !CAS) */
	:: else -> take_check_current()                /* return sum */
	fi
}

/* e > e_h, sealed: if (sum + weight > l->effective) return -EAGAIN */
inline roll_check()
{
	if
	:: tot + w > C ->
		SHOW("p%d   -EAGAIN: sum %d + %d > C\n", id, tot, w);
		res = R_EAGAIN;
		pc = P_AFTER
	:: else ->
#ifndef BROKEN_CACHE_BEFORE_CAS
		pc = T_ROLL
#else
		pc = T_CACHE_LOAD /* broken: cache (e, sum) first, CAS the head after */
#endif
	fi
}

/* rlc__window_seal's loop body, from a freshly loaded slot value v. */
inline seal_loop()
{
#ifndef BROKEN_SEAL_OVERWRITE
	if
	:: EPOCH(v) > he -> pc = T_RELOAD /* return 0: reload the head, continue */
	:: EPOCH(v) == he && COUNT(v) >= hc -> roll_sum_start() /* return 1 */
	:: else -> pc = T_SEAL_CAS
	fi
#else
	if
	:: EPOCH(v) > he -> pc = T_RELOAD
	:: else -> pc = T_SEAL_CAS /* broken: a plain store, whatever v holds */
	fi
#endif
}

/* sum = rlc__window_completed(l, ring, e): for (k = 1; k < S && k <= e; k++) */
inline roll_sum_start()
{
	k = 1;
	tot = 0;
	if
	:: k < S && k <= e -> pc = T_ROLL_SLOT
	:: else -> k = 0; roll_check()
	fi
}

/* The cache install loop after the roll (or, broken, before it). */
inline cache_loop()
{
	if
	:: EPOCH(cached) < e -> pc = T_CACHE_CAS
	:: else -> cached = 0; cache_done()
	fi
}

inline cache_done()
{
#ifndef BROKEN_CACHE_BEFORE_CAS
	token = e; res = R_OK; pc = P_AFTER /* *token = e; return 0 */
#else
	pc = T_ROLL
#endif
}

/* The end of a take or of a refund: local state reset, next take. */
inline next_take()
{
	he = 0; hc = 0; e = 0; tot = 0; head = 0; cached = 0; v = 0; k = 0; c = 0;
	now = 0; token = 0; res = 0; w = 0;
	i++;
	if
	:: i < TAKES -> pc = P_CLOCK
	:: else -> pc = P_END
	fi
}

/* rlc_window_refund: from a (re)loaded head. */
inline refund_head()
{
	if
	:: EPOCH(head) == token -> /* while (RLC__EPOCH(head) == token) */
		c = COUNT(head);
		pc = R_HEAD_CAS
	:: EPOCH(head) < token || EPOCH(head) - token >= S ->
		/* return: the grant has left every window a later grant can
		 * fall in (or the head is corrupt, which cannot happen here). */
		SHOW("p%d   REFUND: nothing to lower\n", id);
		g_net[token] = g_net[token] - w;
		next_take()
	:: else -> pc = R_SLOT_LOAD
	fi
}

/* rlc_window_refund: from a (re)loaded slot value v. */
inline refund_slot()
{
	if
	:: EPOCH(v) == token -> /* while (RLC__EPOCH(v) == token) */
		c = COUNT(v);
		pc = R_SLOT_CAS
	:: else ->
		/* The slot holds a later epoch: sealed when the head passed
		 * token + S - 1, so the grant is out of every later window. */
		SHOW("p%d   REFUND: nothing to lower\n", id);
		g_net[token] = g_net[token] - w;
		next_take()
	fi
}

proctype client(byte id)
{
	/* Locals of rlc_window_take / rlc_window_refund and their helpers. */
	byte head, he, hc, e, tot, cached, v, k, c;
	byte now, token, w, res, i;
	mtype pc = P_CLOCK;

	do
	:: atomic { /* not a d_step: it chooses a weight and how far time moves */
		pc == P_CLOCK ->
		if
		:: w == 0 -> /* a new request of weight 1 .. WMAX */
			if
			:: w = 1
#if WMAX >= 2
			:: w = 2
#endif
			fi
		:: else -> skip /* after -ESTALE: the same request again */
		fi;
		do /* now = rlc_now_ns(): later than every earlier read */
		:: clock < MAXE -> clock++
		:: true -> break
		od;
		now = clock;
		pc = T_HEAD
	}

	/* ---- rlc_window_take ---- */

	:: d_step { pc == T_HEAD ->
		head = state; /* uint64_t head = rlc__load_acquire(&l->state) */
		SHOW("p%d take(w %d) at epoch %d: load head -> %d:%d\n", id, w, now, EPOCH(head), COUNT(head));
		take_loop()
	}

	:: d_step { pc == T_SUM_CACHE ->
		cached = sum; /* uint64_t cached = rlc__load_relaxed(&l->sum) */
		SHOW("p%d   load cache -> %d:%d\n", id, EPOCH(cached), COUNT(cached));
		if
		:: EPOCH(cached) == e -> /* return RLC__COUNT(cached) */
			tot = COUNT(cached);
			cached = 0;
			take_check_current()
		:: else -> /* sum = rlc__window_completed(l, ring, e) */
			k = 1;
			tot = 0;
			if
			:: k < S && k <= e -> pc = T_SUM_SLOT
			:: else -> k = 0; sum_computed()
			fi
		fi
	}

	:: d_step { pc == T_SUM_SLOT ->
		/* sum += rlc__window_slot(l, ring, e - k):
		 * v = rlc__load_relaxed(&ring[want % l->slots]) */
		v = ring[(e - k) % S];
		SHOW("p%d   load ring[%d] -> %d:%d\n", id, (e - k) % S, EPOCH(v), COUNT(v));
		if
		:: EPOCH(v) == e - k -> tot = tot + COUNT(v)
		:: else -> skip
		fi;
		v = 0;
		k++;
		if
		:: k < S && k <= e -> skip
		:: else -> k = 0; sum_computed()
		fi
	}

	:: d_step { pc == T_SUM_INSTALL ->
		/* rlc__cas_relaxed(&l->sum, &cached, RLC__WORD(e, sum)) */
		if
		:: sum == cached ->
			sum = WORD(e, tot);
			SHOW("p%d   CAS cache := %d:%d\n", id, e, tot);
			cached = 0;
			take_check_current()
		:: else ->
			cached = sum;
			SHOW("p%d   CAS cache failed, cache is %d:%d\n", id, EPOCH(cached), COUNT(cached));
			if
			:: EPOCH(cached) < e -> skip /* CAS again */
			:: else -> cached = 0; take_check_current()
			fi
		fi
	}

	:: d_step { pc == T_GRANT ->
		/* rlc__cas_acq_rel(&l->state, &head, RLC__WORD(e, hc + weight)) */
		if
		:: state == head -> /* the grant: *token = e; return 0 */
			state = WORD(e, hc + w);
			SHOW("p%d   CAS head := %d:%d  GRANT epoch %d weight %d\n", id, e, hc + w, e, w);
			g_net[e] = g_net[e] + w;
			check_invariant();
			token = e;
			res = R_OK;
			pc = P_AFTER
		:: else -> /* failure reloads head; continue */
			head = state;
			SHOW("p%d   CAS head failed, head is %d:%d\n", id, EPOCH(head), COUNT(head));
			take_loop()
		fi
	}

	:: d_step { pc == T_SEAL_LOAD ->
		v = ring[he % S]; /* uint64_t v = rlc__load_relaxed(slot) */
		SHOW("p%d   seal %d:%d: load ring[%d] -> %d:%d\n", id, he, hc, he % S, EPOCH(v), COUNT(v));
		seal_loop()
	}

	:: d_step { pc == T_SEAL_CAS ->
#ifndef BROKEN_SEAL_OVERWRITE
		/* if (rlc__cas_relaxed(slot, &v, RLC__WORD(he, hc))) return 1 */
		if
		:: ring[he % S] == v ->
			ring[he % S] = WORD(he, hc);
			SHOW("p%d   CAS ring[%d] := %d:%d\n", id, he % S, he, hc);
			v = 0;
			roll_sum_start()
		:: else ->
			v = ring[he % S];
			SHOW("p%d   CAS ring[%d] failed, slot is %d:%d\n", id, he % S, EPOCH(v), COUNT(v));
			seal_loop()
		fi
#else
		ring[he % S] = WORD(he, hc); /* broken: rlc__store_relaxed(slot, ...) */
		SHOW("p%d   store ring[%d] := %d:%d\n", id, he % S, he, hc);
		v = 0;
		roll_sum_start()
#endif
	}

	:: d_step { pc == T_RELOAD ->
		/* head = rlc__load_acquire(&l->state); continue.  The slot held
		 * a later epoch, so the head has moved on since we loaded it:
		 * this retry, too, is due to another process's progress. */
		assert(state != head);
#ifndef BROKEN_NO_RELOAD
		head = state;
#endif
		SHOW("p%d   slot taken by a later epoch; load head -> %d:%d\n", id, EPOCH(head), COUNT(head));
		v = 0;
		take_loop()
	}

	:: d_step { pc == T_ROLL_SLOT ->
		/* sum += rlc__window_slot(l, ring, e - k) */
		v = ring[(e - k) % S];
		SHOW("p%d   load ring[%d] -> %d:%d\n", id, (e - k) % S, EPOCH(v), COUNT(v));
		if
		:: EPOCH(v) == e - k -> tot = tot + COUNT(v)
		:: else -> skip
		fi;
		v = 0;
		k++;
		if
		:: k < S && k <= e -> skip
		:: else -> k = 0; roll_check()
		fi
	}

	:: d_step { pc == T_ROLL ->
		/* rlc__cas_acq_rel(&l->state, &head, RLC__WORD(e, weight)) */
		if
		:: state == head -> /* the grant */
			state = WORD(e, w);
			SHOW("p%d   roll CAS head := %d:%d  GRANT epoch %d weight %d\n", id, e, w, e, w);
			g_net[e] = g_net[e] + w;
			check_invariant();
#ifndef BROKEN_CACHE_BEFORE_CAS
			pc = T_CACHE_LOAD
#else
			token = e;
			res = R_OK;
			pc = P_AFTER
#endif
		:: else -> /* continue */
			head = state;
			SHOW("p%d   roll CAS head failed, head is %d:%d\n", id, EPOCH(head), COUNT(head));
			take_loop()
		fi
	}

	:: d_step { pc == T_CACHE_LOAD ->
		cached = sum; /* uint64_t cached = rlc__load_relaxed(&l->sum) */
		SHOW("p%d   load cache -> %d:%d\n", id, EPOCH(cached), COUNT(cached));
		cache_loop()
	}

	:: d_step { pc == T_CACHE_CAS ->
		/* while (EPOCH(cached) < e && !rlc__cas_relaxed(&l->sum, &cached, RLC__WORD(e, sum))) */
		if
		:: sum == cached ->
			sum = WORD(e, tot);
			SHOW("p%d   CAS cache := %d:%d\n", id, e, tot);
			cached = 0;
			cache_done()
		:: else ->
			cached = sum;
			SHOW("p%d   CAS cache failed, cache is %d:%d\n", id, EPOCH(cached), COUNT(cached));
			cache_loop()
		fi
	}

	/* ---- rlc_try_n returned: the request is sent, or given back ---- */

	:: atomic { pc == P_AFTER ->
		if
		:: res == R_OK -> pc = R_HEAD /* not sent: rlc_window_refund */
		:: true -> next_take()
		fi
	}

	/* ---- rlc_window_refund ---- */

	:: d_step { pc == R_HEAD ->
		head = state; /* uint64_t head = rlc__load_acquire(&l->state) */
		SHOW("p%d refund(epoch %d, w %d): load head -> %d:%d\n", id, token, w, EPOCH(head), COUNT(head));
		refund_head()
	}

	:: d_step { pc == R_HEAD_CAS ->
		/* rlc__cas_acq_rel(&l->state, &head, RLC__WORD(token, c - min(c, weight))) */
		if
		:: state == head ->
			state = WORD(token, c - MIN(c, w));
			SHOW("p%d   CAS head := %d:%d  REFUND\n", id, token, c - MIN(c, w));
			g_net[token] = g_net[token] - w;
			next_take() /* return */
		:: else ->
			head = state;
			SHOW("p%d   CAS head failed, head is %d:%d\n", id, EPOCH(head), COUNT(head));
			refund_head()
		fi
	}

	:: d_step { pc == R_SLOT_LOAD ->
		v = ring[token % S]; /* v = rlc__load_relaxed(slot) */
		SHOW("p%d   load ring[%d] -> %d:%d\n", id, token % S, EPOCH(v), COUNT(v));
		refund_slot()
	}

	:: d_step { pc == R_SLOT_CAS ->
		/* rlc__cas_relaxed(slot, &v, RLC__WORD(token, c - min(c, weight))) */
		if
		:: ring[token % S] == v ->
			ring[token % S] = WORD(token, c - MIN(c, w));
			SHOW("p%d   CAS ring[%d] := %d:%d  REFUND\n", id, token % S, token, c - MIN(c, w));
			g_net[token] = g_net[token] - w;
			next_take() /* return */
		:: else ->
			v = ring[token % S];
			SHOW("p%d   CAS ring[%d] failed, slot is %d:%d\n", id, token % S, EPOCH(v), COUNT(v));
			refund_slot()
		fi
	}

	:: pc == P_END -> break
	od;

	/* Redundant with the check at every grant (refunds only lower the
	 * log), but cheap: the invariant once more when all are done.  (A
	 * break may not jump straight into a d_step, hence the skip.) */
	skip;
	d_step {
		finished++;
		if
		:: finished == NPROC ->
			check_invariant();
#ifdef CHECK_EXACT
			check_exact()
#else
			skip
#endif
		:: else -> skip
		fi
	}
}

init
{
	byte p;

	atomic {
		do
		:: p < NPROC -> run client(p); p++
		:: else -> break
		od;
		p = 0
	}
}
