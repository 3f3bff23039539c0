/* SPDX-License-Identifier: MIT */
/*
 * rlcnode.h - what the addon's files share: one client (an rlc handle, its
 * grant slots and a scratch arena) and the helpers each concern uses.
 *
 * Every native function of a client is created with the client as its
 * data pointer, so a call finds its handle with no lookup; each such
 * function holds a reference on the client, freed with the last of them.
 */
#ifndef RLCNODE_H
#define RLCNODE_H

#include <rlc.h>

#include <node_api.h>

/* Grant slots come in chunks so that a slot never moves once given out. */
#define RN_CHUNK_BITS 10u
#define RN_CHUNK (1u << RN_CHUNK_BITS)
#define RN_CHUNKS 64u                    /* 65536 grants outstanding at most (then the oldest go) */
#define RN_IDX_BITS 16u                  /* RN_CHUNK * RN_CHUNKS == 1 << RN_IDX_BITS */
#define RN_GEN_MASK 0x7fffu              /* handle = gen << 16 | index: a positive int32 */

struct rn_slot {
	struct rlc_grant g;
	uint32_t gen;  /* bumped each time the slot is given out; never 0 */
	int32_t next;  /* next free slot, -1 for none */
	uint32_t live; /* 1 while a handle to it is outstanding */
	uint32_t idx;  /* its own index */
};

struct rn_client {
	struct rlc h;
	int open;      /* 0 once closed */
	unsigned refs; /* native functions still holding it, and the client object */
	struct rn_slot *chunk[RN_CHUNKS];
	uint32_t chunks;
	int32_t free_head;
	uint32_t outstanding;
	uint32_t hand; /* the next slot to forget once every slot is outstanding */
	uint32_t evicted; /* grants forgotten that way */
	struct rlc_grant last; /* the last refusal, for the error and the wait step */
	int last_err;
	int32_t last_endpoint, last_account; /* what that reserve asked for */
	struct rn_block *arena; /* parameter and header text of one call */
};

/* Text that lives until the next call: blocks never move once handed out. */
struct rn_block {
	struct rn_block *next;
	size_t len, used;
	char data[];
};

/* errors.c: throw and return NULL, for `return rn_throw_...(...)`. */
napi_value rn_throw_type(napi_env env, const char *fmt, ...);
napi_value rn_throw_range(napi_env env, const char *fmt, ...);
napi_value rn_throw_errno(napi_env env, int err, const char *fmt, ...);
napi_value rn_throw_unknown(napi_env env, const char *kind, const char *fmt, ...);
napi_value rn_set_classes(napi_env env, napi_callback_info info);
const char *rn_errno_name(int err);
napi_value rn_int(napi_env env, int32_t v);
napi_value rn_num(napi_env env, double v);
napi_value rn_str(napi_env env, const char *s);
napi_value rn_bool(napi_env env, int v);
napi_value rn_undefined(napi_env env);
napi_value rn_null(napi_env env);
void rn_set(napi_env env, napi_value obj, const char *key, napi_value v);
/* Copy a JS string argument into buf; 0, or -1 with a TypeError thrown. */
int rn_cstr(napi_env env, napi_value v, char *buf, size_t len, const char *fn, const char *arg);
double rn_ms(uint64_t ns);
uint64_t rn_ns(double ms);

/* client.c */
struct rn_client *rn_client_of(napi_env env, napi_callback_info info, size_t *argc,
			       napi_value *argv, napi_value *self);
napi_value rn_method(napi_env env, napi_value obj, struct rn_client *c, const char *name,
		     napi_callback cb);
napi_value rn_closed(napi_env env, const char *fn);
/* rn_client_of, and open; else NULL with an error (a closed client: EINVAL) thrown. */
struct rn_client *rn_open_of(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv,
			     const char *fn);

/* grants.c */
struct rn_slot *rn_slot_take(struct rn_client *c, int32_t *handle);
struct rn_slot *rn_slot_find(struct rn_client *c, int32_t handle);
void rn_slot_put(struct rn_client *c, struct rn_slot *s);
void rn_slots_free(struct rn_client *c);
void rn_grants_register(napi_env env, napi_value obj, struct rn_client *c);
struct rn_slot *rn_grant_arg(napi_env env, struct rn_client *c, size_t argc, napi_value *argv,
			     const char *fn);

/* arena.c: text of one call */
void rn_arena_reset(struct rn_client *c);
void rn_arena_free(struct rn_client *c);
char *rn_arena_alloc(struct rn_client *c, size_t len);
char *rn_arena_string(struct rn_client *c, napi_env env, napi_value str);

/* params.c */
int rn_params(napi_env env, struct rn_client *c, uint32_t endpoint, napi_value v,
	      struct rlc_param *out, unsigned *n, const char *fn);
int rn_account(napi_env env, struct rn_client *c, uint32_t endpoint, napi_value v, int *out,
	       const char *fn);

/* reserve.c */
void rn_reserve_register(napi_env env, napi_value obj, struct rn_client *c);

/* wait.c, feedback.c, state.c */
void rn_wait_register(napi_env env, napi_value obj, struct rn_client *c);
void rn_feedback_register(napi_env env, napi_value obj, struct rn_client *c);
void rn_state_register(napi_env env, napi_value obj, struct rn_client *c);
void rn_floor_register(napi_env env, napi_value obj, struct rn_client *c);

#endif /* RLCNODE_H */
