/* SPDX-License-Identifier: MIT */
/*
 * tests/model/window.pml - a Promela model of the lock-free sliding-window
 * ring of include/rlc/window.h: rlc_window_take (with rlc__window_sum,
 * rlc__window_completed, rlc__window_seal, the roll, refused or not, and
 * rlc__window_cache after it) and rlc_window_refund (with
 * rlc__window_uncache), as rlc_try_n drives them (a fresh clock read after
 * -ESTALE).  tests/model/README.md says how to run it and what it does not
 * cover.
 *
 * Granularity.  Each process is a program counter `pc` and one step per
 * shared-memory access, like the labels of a PlusCal algorithm: every load,
 * every CAS and every store of a shared word (the head v->state, the cache
 * v->sum, a ring slot) is its own atomic step (a d_step), and the purely
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
 *     by others: late adders are covered.  -ESTALE is modelled as the caller
 *     reading the clock again and retrying; a fresh read is never earlier
 *     than a head some process wrote, so rlc_try_n's "still earlier: corrupt"
 *     branch is unreachable here and not modelled.
 *   - Words are (epoch, count) packed as epoch * CB + count like RLC__WORD;
 *     counts stay below S * C < CB here, so RLC_COUNT_MAX saturation is not
 *     reached and not modelled, and epochs stay below 16 (MAXE <= 15), so the
 *     epoch_max / RLC_EPOCH_MAX tests never fire and are not modelled.
 *   - rlc__window_retry only reads the ring to compute *retry_ns; a refusal
 *     is modelled as returning at once.  rlc_window_used only reads; it is
 *     not modelled.
 *   - Promela is sequentially consistent.  The model checks the algorithm;
 *     the acquire/release argument of window.h (a ring reader first
 *     acquire-loads a head at or past the seals it needs) is reviewed by hand.
 *   - A weak CAS's spurious failure is not modelled: it reloads the value it
 *     expected and redoes the iteration, which for safety is the same as the
 *     process being delayed, and for progress is the hardware's business.
 *   - Crashes.  A process may stop for ever after any step.  Spin explores
 *     every interleaving, including those in which a process is never
 *     scheduled again after a given step while the others run on, so every
 *     state reachable with a crashed process is explored.  Each property is
 *     asserted in the very step that can break it (a grant, a refusal), so no
 *     end state is needed to check it.
 *   - Progress.  No step ever blocks, so spin's end-state check says that
 *     every process can always finish.  Lock-freedom is checked by running
 *     pan -l (compiled with -DNP): the model is finite, so an unbounded retry
 *     loop (of one process alone, or of several) is a reachable cycle; there
 *     are no progress labels, so every cycle is reported.  The one retry that
 *     is not a failed CAS (a seal that finds a later epoch) reloads the head
 *     and asserts that its epoch moved: the -EBADMSG ("corrupt") return that
 *     window.h takes otherwise is unreachable from a sound segment.
 *
 * Property 1, the window invariant (window.h: a grant of epoch e counts in
 * epochs e .. e+S-1):
 *   for every epoch E, the net weight (granted and not given back) of the
 *   grants whose epoch lies in [E - S + 1, E] is at most C.
 * With (S - 1) w >= W every time interval of length W lies within S
 * consecutive epochs, so this is DESIGN.md's window invariant.  Checked at
 * every grant.  A violation prints "VIOLATION(window)".
 *
 * Property 2, refunds are exact without races (rlc(3): a window refund is
 * exact unless a seal raced with it):
 *   in a history where no two operations (takes or refunds) ever overlapped,
 *   and so no process stopped inside one, a take is refused only if the net
 *   weight of its window [e - S + 1, e] plus its own weight exceeds C.
 * Concurrency may over-count (window.h allows it), so once two operations
 * have overlapped the property is no longer asserted for the rest of that
 * history.  This is what catches a refund that is lost, which the window
 * invariant cannot see (a lost refund is an over-count: safe, but the
 * capacity it holds is gone for a window).  Checked at every refusal.  A
 * violation prints "VIOLATION(exact)".
 *
 * Ghost log.  Kept as the net granted weight per epoch, g_net[e]: a grant
 * adds its weight in the step of the head CAS that makes it (the process
 * keeps (epoch, weight) as its token); a refund subtracts it in the step of
 * the CAS that lowers a count for it, or in the step that finds nothing left
 * to lower (the grant has left every window a later grant can fall in).
 * Logging a refund no earlier than the counters drop is the strict choice:
 * a refund that lowered a count too much, or too early, would show.  (The
 * cache is relabelled by the refund's next steps; until then it counts the
 * refunded weight still, which is safe.)  Sums rather than one record per
 * grant let spin merge states that differ only in which process made which
 * grant.  For property 2, `busy` counts the processes inside an operation
 * (a function of their program counters, so it adds no states) and `conc`
 * records, for good, that one operation started while another was in
 * flight.
 *
 * Broken variants (each must make spin report the property named):
 *   BROKEN_NO_STALE          window: no -ESTALE test: a late adder whose
 *                            clock is older than the head rolls the head
 *                            back into its own, older epoch.
 *   BROKEN_SEAL_OVERWRITE    window: the seal stores (e_h, c_h) instead of
 *                            merging with a max: a stale sealer lowers a slot
 *                            that a roll has sealed with a larger count.
 *   BROKEN_CACHE_BEFORE_CAS  window: the roller installs its cached sum
 *                            before its head CAS: if the CAS then fails
 *                            because a late grant landed in the old epoch,
 *                            the cache for the new epoch misses that grant.
 *   BROKEN_REFUND_ANY_EPOCH  window: the refund lowers the slot whatever
 *                            epoch it holds: a refunder delayed between its
 *                            head load and its slot load lowers the count of
 *                            the epoch S later that a roll has sealed there
 *                            meanwhile.  Needs four takes (three processes,
 *                            two takes each): the deep configuration.
 *   BROKEN_UNCACHE_SAME_EPOCH window: the refund relabels a cached sum
 *                            (ce, s) as (ce, 0) instead of (ce - 1, 0): a
 *                            take in ce reads 0 and misses the grants of the
 *                            epochs before ce that were not refunded.
 *   BROKEN_REFUSAL_KEEPS_HEAD exact: a refused roll seals the head's epoch
 *                            but leaves the head in it (window.h before it
 *                            moved the head with weight 0): a refund of that
 *                            epoch then lowers the head alone, the next roll
 *                            merges the lowered count into the higher seal
 *                            (a max), and the refunded weight stays counted:
 *                            a refusal with room.  Safe for the window
 *                            invariant (an over-count).
 *   BROKEN_NO_UNCACHE        exact: a refund into a sealed slot leaves the
 *                            cached sum that counts it: the next take in the
 *                            cache's epoch is refused with room.  Safe for
 *                            the window invariant (an over-count).
 * and one that must make pan -l report a non-progress cycle:
 *   BROKEN_NO_RELOAD         after a seal that finds a later epoch, retry
 *                            without reloading the head: the process seals
 *                            the same stale head for ever (lock-freedom).
 */

#ifndef S
#define S 3 /* ring slots (v->slots) */
#endif
#ifndef C
#define C 2 /* capacity (v->effective) */
#endif
#ifndef MAXE
#define MAXE 5 /* last epoch the clock reaches (at most 15) */
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

/* Shared words of the limit and its ring, and the clock. */
byte state;   /* v->state: head (e_h, c_h) */
byte sum;     /* v->sum: cache (e, sum of the completed epochs) */
byte ring[S]; /* ring[i]: sealed (e, c) of an epoch e with e % S == i */
byte clock;   /* CLOCK_MONOTONIC, in epochs since v->origin_ns */

byte g_net[MAXE + 1]; /* ghost: net granted weight per epoch */
byte finished;        /* ghost: processes that ran to the end */
byte busy;            /* ghost: processes inside a take or a refund */
bit conc;             /* ghost: two operations have overlapped */

/*
 * Property 1 over the ghost log, for every window [E - S + 1, E] with
 * E <= MAXE (a window that ends later is a subset of the one ending at
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
			SHOW("VIOLATION(window): net weight %d > C = %d in epochs %d..%d\n",
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

/*
 * Property 2 at a refusal of weight w at epoch e: unless operations have
 * overlapped, the window [e - S + 1, e] must have no room for w.
 */
inline check_refusal()
{
	if
	:: !conc ->
		ck_k = 0;
		ck_tot = 0;
		do
		:: ck_k < S && ck_k <= e ->
			ck_tot = ck_tot + g_net[e - ck_k];
			ck_k++
		:: else -> break
		od;
		if
		:: ck_tot + w <= C ->
			SHOW("VIOLATION(exact): refused weight %d at epoch %d, but net weight in epochs %d..%d is %d (C = %d) and no operations overlapped\n",
			     w, e, e + 1 - MIN(e + 1, S), e, ck_tot, C)
		:: else -> skip
		fi;
		assert(ck_tot + w > C);
		ck_k = 0;
		ck_tot = 0
	:: else -> skip
	fi
}

#ifdef CHECK_EXACT
/*
 * A probe, not a safety property: when every process has finished (none
 * crashed, none in flight), do the head and the sealed slots of the head's
 * window hold exactly the net weight of their epochs?  window.h allows them
 * to over-count when operations race (a seal taken before a refund keeps
 * the refunded weight, a stale sealer raises a slot again), so
 * pan -DCHECK_EXACT shows how.
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
	T_HEAD,         /* take: head = rlc__load_acquire(v->state) */
	T_SUM_CACHE,    /* rlc__window_sum: cached = rlc__load_relaxed(v->sum) */
	T_SUM_SLOT,     /* rlc__window_sum -> rlc__window_completed: one slot load */
	T_SUM_INSTALL,  /* rlc__window_cache from rlc__window_sum: CAS v->sum */
	T_GRANT,        /* e == e_h: rlc__cas_acq_rel(v->state, head -> (e, hc + w)) */
	T_SEAL_LOAD,    /* rlc__window_seal: w = rlc__load_relaxed(slot) */
	T_SEAL_CAS,     /* rlc__window_seal: rlc__cas_relaxed(slot, &w, (he, hc)) */
	T_RELOAD,       /* seal returned 1: again = rlc__load_acquire(v->state) */
	T_ROLL_SLOT,    /* rlc__window_completed after the seal: one slot load */
	T_ROLL,         /* rlc__cas_acq_rel(v->state, head -> (e, fits ? w : 0)) */
	T_CACHE_LOAD,   /* rlc__window_cache after the roll: cached = load(v->sum) */
	T_CACHE_CAS,    /* rlc__window_cache after the roll: CAS v->sum */
	P_AFTER,        /* rlc_try_n returned: maybe refund the grant */
	R_HEAD,         /* refund: head = rlc__load_acquire(v->state) */
	R_HEAD_CAS,     /* refund: rlc__cas_acq_rel(v->state, head -> (tok, c - w)) */
	R_SLOT_LOAD,    /* refund: w = rlc__load_relaxed(slot) */
	R_SLOT_CAS,     /* refund: rlc__cas_relaxed(slot, &w, (tok, c - w)) */
	U_LOAD,         /* rlc__window_uncache: cached = rlc__load_relaxed(v->sum) */
	U_CAS,          /* rlc__window_uncache: CAS v->sum -> (ce - 1, 0) */
	P_END
};

/* Result of a take: R_OK while it runs and when granted. */
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
		e = now; /* e = now - start < step ? he : rlc__window_epoch(v, now) */
		if
		:: e == he -> pc = T_SUM_CACHE /* sum = rlc__window_sum(v, e) */
		:: else -> pc = T_SEAL_LOAD    /* rlc__window_seal(v, he, hc) */
		fi
#ifndef BROKEN_NO_STALE
	fi
#endif
}

/* e == e_h, sum(e) known: if (hc + sum + weight > v->effective) return -EAGAIN */
inline take_check_current()
{
	if
	:: hc + tot + w > C ->
		SHOW("p%d   -EAGAIN: %d + sum %d + %d > C\n", id, hc, tot, w);
		check_refusal();
		res = R_EAGAIN;
		take_returned()
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

/* After the seal and the sum: the roll's head CAS, or (broken) the cache first. */
inline roll_next()
{
#ifndef BROKEN_CACHE_BEFORE_CAS
	pc = T_ROLL
#else
	pc = T_CACHE_LOAD /* broken: cache (e, sum) first, CAS the head after */
#endif
}

/* e > e_h, sealed, sum known: fits = sum + weight <= v->effective */
inline roll_check()
{
	if
	:: tot + w > C ->
#ifndef BROKEN_REFUSAL_KEEPS_HEAD
		res = R_EAGAIN; /* CAS head -> (e, 0), cache, return -EAGAIN */
		roll_next()
#else
		/* broken: return -EAGAIN at once, the head left in e_h */
		SHOW("p%d   -EAGAIN: sum %d + %d > C, head left at epoch %d\n", id, tot, w, he);
		check_refusal();
		res = R_EAGAIN;
		take_returned()
#endif
	:: else -> roll_next()
	fi
}

/* rlc__window_seal's loop body, from a freshly loaded slot value v. */
inline seal_loop()
{
#ifndef BROKEN_SEAL_OVERWRITE
	if
	:: EPOCH(v) > he -> pc = T_RELOAD /* return 1: reload the head */
	:: EPOCH(v) == he && COUNT(v) >= hc -> roll_sum_start() /* return 0 */
	:: else -> pc = T_SEAL_CAS
	fi
#else
	if
	:: EPOCH(v) > he -> pc = T_RELOAD
	:: else -> pc = T_SEAL_CAS /* broken: a plain store, whatever v holds */
	fi
#endif
}

/* sum = rlc__window_completed(v, e): for (k = 1; k < S && k <= e; k++) */
inline roll_sum_start()
{
	k = 1;
	tot = 0;
	if
	:: k < S && k <= e -> pc = T_ROLL_SLOT
	:: else -> k = 0; roll_check()
	fi
}

/*
 * The take has returned (res and, for a grant, token are set): clear the
 * locals that are dead from here, so that states differing only in them
 * merge.
 */
inline take_returned()
{
	head = 0; he = 0; hc = 0; e = 0; tot = 0; cached = 0; v = 0; k = 0; now = 0;
	busy--;
	pc = P_AFTER
}

/* The roll's head CAS landed (or, broken, is next): return. */
inline take_return()
{
	if
	:: res == R_OK -> token = e /* *token = e; return 0 */
	:: else -> skip             /* return -EAGAIN */
	fi;
	take_returned()
}

/* rlc__window_cache's loop after the roll (or, broken, before it). */
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
	take_return()
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

/* The refund has returned. */
inline refund_returned()
{
	busy--;
	next_take()
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
		refund_returned()
	:: else -> head = 0; pc = R_SLOT_LOAD /* the head is dead from here */
	fi
}

/* rlc_window_refund: from a (re)loaded slot value v. */
inline refund_slot()
{
#ifndef BROKEN_REFUND_ANY_EPOCH
	if
	:: EPOCH(v) == token -> /* while (RLC__EPOCH(w) == token) */
		c = COUNT(v);
		pc = R_SLOT_CAS
	:: else ->
		/* The slot holds a later epoch: sealed when the head passed
		 * token + S - 1, so the grant is out of every later window. */
		SHOW("p%d   REFUND: nothing to lower\n", id);
		g_net[token] = g_net[token] - w;
		refund_returned()
	fi
#else
	c = COUNT(v); /* broken: no epoch test, the slot is lowered anyway */
	pc = R_SLOT_CAS
#endif
}

/* rlc__window_uncache's loop body, from a freshly loaded cache value. */
inline uncache_loop()
{
	if
	:: EPOCH(cached) <= token || EPOCH(cached) - token >= S -> /* return */
		cached = 0;
		refund_returned()
	:: else -> pc = U_CAS
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
			fi;
			if
			:: busy > 0 -> conc = 1
			:: else -> skip
			fi;
			busy++
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
		head = state; /* uint64_t head = rlc__load_acquire(v->state) */
		SHOW("p%d take(w %d) at epoch %d: load head -> %d:%d\n", id, w, now, EPOCH(head), COUNT(head));
		take_loop()
	}

	:: d_step { pc == T_SUM_CACHE ->
		cached = sum; /* uint64_t cached = rlc__load_relaxed(v->sum) */
		SHOW("p%d   load cache -> %d:%d\n", id, EPOCH(cached), COUNT(cached));
		if
		:: EPOCH(cached) == e -> /* return RLC__COUNT(cached) */
			tot = COUNT(cached);
			cached = 0;
			take_check_current()
		:: else -> /* sum = rlc__window_completed(v, e) */
			k = 1;
			tot = 0;
			if
			:: k < S && k <= e -> pc = T_SUM_SLOT
			:: else -> k = 0; sum_computed()
			fi
		fi
	}

	:: d_step { pc == T_SUM_SLOT ->
		/* w = rlc__load_relaxed(&v->ring[i]); if (RLC__EPOCH(w) == e - k) sum += ... */
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
		/* rlc__window_cache: rlc__cas_relaxed(v->sum, &cached, RLC__WORD(e, sum)) */
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
		/* rlc__cas_acq_rel(v->state, &head, RLC__WORD(e, hc + weight)) */
		if
		:: state == head -> /* the grant: *token = e; return 0 */
			state = WORD(e, hc + w);
			SHOW("p%d   CAS head := %d:%d  GRANT epoch %d weight %d\n", id, e, hc + w, e, w);
			g_net[e] = g_net[e] + w;
			check_invariant();
			token = e;
			res = R_OK;
			take_returned()
		:: else -> /* failure reloads head; continue */
			head = state;
			SHOW("p%d   CAS head failed, head is %d:%d\n", id, EPOCH(head), COUNT(head));
			take_loop()
		fi
	}

	:: d_step { pc == T_SEAL_LOAD ->
		v = ring[he % S]; /* uint64_t w = rlc__load_relaxed(slot) */
		SHOW("p%d   seal %d:%d: load ring[%d] -> %d:%d\n", id, he, hc, he % S, EPOCH(v), COUNT(v));
		seal_loop()
	}

	:: d_step { pc == T_SEAL_CAS ->
#ifndef BROKEN_SEAL_OVERWRITE
		/* if (rlc__cas_relaxed(slot, &w, RLC__WORD(he, hc))) return 0 */
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
		/* again = rlc__load_acquire(v->state);
		 * if (RLC__EPOCH(again) == he) return -EBADMSG; head = again; continue.
		 * The slot held a later epoch, which only a roll past he seals,
		 * and rolls move the head forward: so -EBADMSG is unreachable,
		 * and this retry, too, is due to another process's progress. */
		if
		:: EPOCH(state) == he ->
			SHOW("VIOLATION(corrupt): ring[%d] holds a later epoch than the unchanged head %d:%d\n",
			     he % S, EPOCH(state), COUNT(state))
		:: else -> skip
		fi;
		assert(EPOCH(state) != he);
#ifndef BROKEN_NO_RELOAD
		head = state;
#endif
		SHOW("p%d   slot taken by a later epoch; load head -> %d:%d\n", id, EPOCH(state), COUNT(state));
		v = 0;
		take_loop()
	}

	:: d_step { pc == T_ROLL_SLOT ->
		/* sum += the sealed count of epoch e - k (rlc__window_completed) */
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
		/* rlc__cas_acq_rel(v->state, &head, RLC__WORD(e, fits ? weight : 0)) */
		if
		:: state == head ->
			if
			:: res == R_OK -> /* fits: the grant */
				state = WORD(e, w);
				SHOW("p%d   roll CAS head := %d:%d  GRANT epoch %d weight %d\n", id, e, w, e, w);
				g_net[e] = g_net[e] + w;
				check_invariant()
			:: else -> /* a refusal: the head moves all the same */
				state = WORD(e, 0);
				SHOW("p%d   roll CAS head := %d:0  -EAGAIN: sum %d + %d > C\n", id, e, tot, w);
				check_refusal()
			fi;
#ifndef BROKEN_CACHE_BEFORE_CAS
			head = 0; he = 0; hc = 0;
			pc = T_CACHE_LOAD /* rlc__window_cache(v, e, sum) */
#else
			take_return()
#endif
		:: else -> /* continue */
			head = state;
			res = R_OK;
			SHOW("p%d   roll CAS head failed, head is %d:%d\n", id, EPOCH(head), COUNT(head));
			take_loop()
		fi
	}

	:: d_step { pc == T_CACHE_LOAD ->
		cached = sum; /* uint64_t cached = rlc__load_relaxed(v->sum) */
		SHOW("p%d   load cache -> %d:%d\n", id, EPOCH(cached), COUNT(cached));
		cache_loop()
	}

	:: d_step { pc == T_CACHE_CAS ->
		/* while (EPOCH(cached) < e && !rlc__cas_relaxed(v->sum, &cached, RLC__WORD(e, sum))) */
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
		:: res == R_OK -> /* not sent: rlc_window_refund, a new operation */
			if
			:: busy > 0 -> conc = 1
			:: else -> skip
			fi;
			busy++;
			pc = R_HEAD
		:: true -> next_take()
		fi
	}

	/* ---- rlc_window_refund ---- */

	:: d_step { pc == R_HEAD ->
		head = state; /* uint64_t head = rlc__load_acquire(v->state) */
		SHOW("p%d refund(epoch %d, w %d): load head -> %d:%d\n", id, token, w, EPOCH(head), COUNT(head));
		refund_head()
	}

	:: d_step { pc == R_HEAD_CAS ->
		/* rlc__cas_acq_rel(v->state, &head, RLC__WORD(token, c - min(c, weight))) */
		if
		:: state == head ->
			state = WORD(token, c - MIN(c, w));
			SHOW("p%d   CAS head := %d:%d  REFUND\n", id, token, c - MIN(c, w));
			g_net[token] = g_net[token] - w;
			refund_returned() /* return */
		:: else ->
			head = state;
			SHOW("p%d   CAS head failed, head is %d:%d\n", id, EPOCH(head), COUNT(head));
			refund_head()
		fi
	}

	:: d_step { pc == R_SLOT_LOAD ->
		v = ring[token % S]; /* w = rlc__load_relaxed(slot) */
		SHOW("p%d   load ring[%d] -> %d:%d\n", id, token % S, EPOCH(v), COUNT(v));
		refund_slot()
	}

	:: d_step { pc == R_SLOT_CAS ->
		/* rlc__cas_relaxed(slot, &w, RLC__WORD(token, c - min(c, weight))) */
		if
		:: ring[token % S] == v ->
#ifndef BROKEN_REFUND_ANY_EPOCH
			ring[token % S] = WORD(token, c - MIN(c, w));
#else
			ring[token % S] = WORD(EPOCH(v), c - MIN(c, w)); /* broken: w - min(c, weight) */
#endif
			SHOW("p%d   CAS ring[%d] := %d:%d  REFUND\n", id, token % S, EPOCH(ring[token % S]), c - MIN(c, w));
			g_net[token] = g_net[token] - w;
			v = 0;
			c = 0;
#ifndef BROKEN_NO_UNCACHE
			pc = U_LOAD /* rlc__window_uncache(v, token); return */
#else
			refund_returned() /* broken: return, the cached sum left as it is */
#endif
		:: else ->
			v = ring[token % S];
			SHOW("p%d   CAS ring[%d] failed, slot is %d:%d\n", id, token % S, EPOCH(v), COUNT(v));
			refund_slot()
		fi
	}

	/* ---- rlc__window_uncache, after a refund lowered a sealed slot ---- */

	:: d_step { pc == U_LOAD ->
		cached = sum; /* uint64_t cached = rlc__load_relaxed(v->sum) */
		SHOW("p%d   uncache: load cache -> %d:%d\n", id, EPOCH(cached), COUNT(cached));
		uncache_loop()
	}

	:: d_step { pc == U_CAS ->
		/* rlc__cas_relaxed(v->sum, &cached, RLC__WORD(ce - 1, 0)) */
		if
		:: sum == cached ->
#ifndef BROKEN_UNCACHE_SAME_EPOCH
			sum = WORD(EPOCH(cached) - 1, 0);
#else
			sum = WORD(EPOCH(cached), 0); /* broken: an epoch a take still reads */
#endif
			SHOW("p%d   CAS cache := %d:0\n", id, EPOCH(sum));
			cached = 0;
			refund_returned() /* return */
		:: else ->
			cached = sum;
			SHOW("p%d   CAS cache failed, cache is %d:%d\n", id, EPOCH(cached), COUNT(cached));
			uncache_loop()
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
