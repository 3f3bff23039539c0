/* SPDX-License-Identifier: MIT */
/*
 * grants.c - grants as small handles.  A grant lives in a slot of its
 * client; JS holds a positive int32 (generation << 16 | index), so that a
 * reserve allocates nothing on the JS heap and a stale or forged handle is
 * told apart from an outstanding one.  Each grant ends with refund(),
 * feedback() or release(), which give the slot back.  A bot may also
 * never end one (a request sent and forgotten, as rlc(3) allows): once
 * all 65536 slots are outstanding, a reserve takes the slot under a
 * round-robin hand, and the handle it held reads as ended.  So slots never
 * run out and memory stays bounded (about 11 MB a client at most).
 */
#include "rlcnode.h"

/* A fresh chunk of slots, threaded onto the free list. */
static int rn_grow(struct rn_client *c)
{
	struct rn_slot *s;
	uint32_t i, base;

	if (c->chunks == RN_CHUNKS)
		return -1;
	s = (struct rn_slot *)calloc(RN_CHUNK, sizeof(*s));
	if (!s)
		return -1;
	base = c->chunks * RN_CHUNK;
	for (i = 0; i < RN_CHUNK; i++) {
		s[i].next = i + 1 < RN_CHUNK ? (int32_t)(base + i + 1) : c->free_head;
		s[i].gen = 0;
		s[i].idx = base + i;
	}
	c->chunk[c->chunks++] = s;
	c->free_head = (int32_t)base;
	return 0;
}

static struct rn_slot *rn_at(struct rn_client *c, uint32_t idx)
{
	return &c->chunk[idx >> RN_CHUNK_BITS][idx & (RN_CHUNK - 1)];
}

/* A free slot and its new handle; NULL only when out of memory with no slot at all. */
struct rn_slot *rn_slot_take(struct rn_client *c, int32_t *handle)
{
	struct rn_slot *s;
	uint32_t idx;

	if (c->free_head < 0 && rn_grow(c)) {
		if (c->chunks == 0)
			return NULL;
		/* every slot outstanding: forget the one under the hand */
		idx = c->hand;
		c->hand = (c->hand + 1) % (c->chunks * RN_CHUNK);
		s = rn_at(c, idx);
		c->outstanding--;
		c->evicted++;
	} else {
		idx = (uint32_t)c->free_head;
		s = rn_at(c, idx);
		c->free_head = s->next;
	}
	s->gen = (s->gen + 1) & RN_GEN_MASK;
	if (s->gen == 0)
		s->gen = 1; /* handle 0 is never valid */
	s->live = 1;
	c->outstanding++;
	*handle = (int32_t)(s->gen << RN_IDX_BITS | idx);
	return s;
}

/* The outstanding slot of `handle`, or NULL. */
struct rn_slot *rn_slot_find(struct rn_client *c, int32_t handle)
{
	uint32_t idx = (uint32_t)handle & ((1u << RN_IDX_BITS) - 1), gen;
	struct rn_slot *s;

	if (handle <= 0 || (idx >> RN_CHUNK_BITS) >= c->chunks)
		return NULL;
	gen = (uint32_t)handle >> RN_IDX_BITS;
	s = rn_at(c, idx);
	return s->live && s->gen == gen ? s : NULL;
}

void rn_slot_put(struct rn_client *c, struct rn_slot *s)
{
	s->live = 0;
	c->outstanding--;
	s->next = c->free_head;
	c->free_head = (int32_t)s->idx;
}

void rn_slots_free(struct rn_client *c)
{
	uint32_t i;

	for (i = 0; i < c->chunks; i++)
		free(c->chunk[i]);
	c->chunks = 0;
	c->free_head = -1;
}

/* The grant of argument 0, or NULL with a RangeError/TypeError thrown. */
struct rn_slot *rn_grant_arg(napi_env env, struct rn_client *c, size_t argc,
			     napi_value *argv, const char *fn)
{
	int32_t handle = 0;
	struct rn_slot *s;

	/* one call checks the type too: napi_number_expected for anything else */
	if (argc == 0 || napi_get_value_int32(env, argv[0], &handle) != napi_ok) {
		rn_throw_type(env, "%s(): grant must be a grant that reserve() returned", fn);
		return NULL;
	}
	if (!c->open) {
		rn_closed(env, fn);
		return NULL;
	}
	s = rn_slot_find(c, handle);
	if (!s)
		rn_throw_range(env,
			       "%s(): grant %d is not outstanding: it was refunded, fed back or "
			       "released already, or is not of this client's",
			       fn, handle);
	return s;
}

/* refund(g): undefined, or a negative errno (the slot is given back either way). */
static napi_value rn_refund(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	size_t argc = 1;
	struct rn_client *c = rn_client_of(env, info, &argc, argv, NULL);
	struct rn_slot *s;
	int err;

	if (!c || !(s = rn_grant_arg(env, c, argc, argv, "refund")))
		return NULL;
	/* a grant that took no limit has nothing to give back */
	err = s->g.count ? rlc_refund(&c->h, &s->g) : 0;
	rn_slot_put(c, s);
	return err ? rn_int(env, err) : NULL; /* NULL reads as undefined: no value to make */
}

/* release(g): end a grant whose request was sent, with no response to feed back. */
static napi_value rn_release(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	size_t argc = 1;
	struct rn_client *c = rn_client_of(env, info, &argc, argv, NULL);
	struct rn_slot *s;

	if (!c || !(s = rn_grant_arg(env, c, argc, argv, "release")))
		return NULL;
	rn_slot_put(c, s);
	return rn_undefined(env);
}

/* What a grant took: { endpoint, account, priority, nowMs, limits: [[id, weight]...] }. */
static napi_value rn_grant_info(napi_env env, napi_callback_info info)
{
	napi_value argv[1], o, list, pair;
	size_t argc = 1;
	struct rn_client *c = rn_client_of(env, info, &argc, argv, NULL);
	struct rn_slot *s;
	uint32_t i;

	if (!c || !(s = rn_grant_arg(env, c, argc, argv, "grantInfo")))
		return NULL;
	napi_create_object(env, &o);
	rn_set(env, o, "endpoint", rn_int(env, s->g.endpoint));
	rn_set(env, o, "account", rn_int(env, s->g.account));
	rn_set(env, o, "priority", rn_int(env, (int32_t)s->g.priority));
	rn_set(env, o, "nowMs", rn_num(env, rn_ms(s->g.now_ns)));
	rn_set(env, o, "probe", rn_int(env, s->g.probe));
	napi_create_array_with_length(env, s->g.count, &list);
	for (i = 0; i < s->g.count && i < RLC_LINK_MAX; i++) {
		napi_create_array_with_length(env, 2, &pair);
		napi_set_element(env, pair, 0, rn_int(env, (int32_t)s->g.id[i]));
		napi_set_element(env, pair, 1, rn_int(env, (int32_t)s->g.weight[i]));
		napi_set_element(env, list, i, pair);
	}
	rn_set(env, o, "limits", list);
	return o;
}

static napi_value rn_outstanding(napi_env env, napi_callback_info info)
{
	size_t argc = 0;
	struct rn_client *c = rn_client_of(env, info, &argc, NULL, NULL);

	napi_value o;

	if (!c)
		return NULL;
	napi_create_object(env, &o);
	rn_set(env, o, "outstanding", rn_int(env, (int32_t)c->outstanding));
	rn_set(env, o, "forgotten", rn_num(env, c->evicted));
	rn_set(env, o, "slots", rn_int(env, (int32_t)(c->chunks * RN_CHUNK)));
	return o;
}

void rn_grants_register(napi_env env, napi_value obj, struct rn_client *c)
{
	rn_method(env, obj, c, "refund", rn_refund);
	rn_method(env, obj, c, "release", rn_release);
	rn_method(env, obj, c, "grantInfo", rn_grant_info);
	rn_method(env, obj, c, "grantSlots", rn_outstanding);
}
