/* SPDX-License-Identifier: MIT */
/*
 * arena.c - the text of one call (parameter values, header names and
 * values) as C strings, in blocks that never move, so pointers handed to
 * rlc stay valid while more text is added.  The first block is kept from
 * call to call; a call with more text than it holds gets extra blocks,
 * freed at the next reset.
 */
#include "rlcnode.h"

#define RN_BLOCK_FIRST 16384u

void rn_arena_reset(struct rn_client *c)
{
	struct rn_block *b, *next;

	if (!c->arena)
		return;
	for (b = c->arena->next; b; b = next) {
		next = b->next;
		free(b);
	}
	c->arena->next = NULL;
	c->arena->used = 0;
}

void rn_arena_free(struct rn_client *c)
{
	rn_arena_reset(c);
	free(c->arena);
	c->arena = NULL;
}

/* `len` bytes, or NULL when out of memory. */
char *rn_arena_alloc(struct rn_client *c, size_t len)
{
	struct rn_block *b;

	if (!c->arena) {
		c->arena = (struct rn_block *)malloc(sizeof(*b) + RN_BLOCK_FIRST);
		if (!c->arena)
			return NULL;
		c->arena->next = NULL;
		c->arena->len = RN_BLOCK_FIRST;
		c->arena->used = 0;
	}
	b = c->arena;
	if (b->len - b->used >= len) {
		b->used += len;
		return b->data + b->used - len;
	}
	/* an extra block of its own, after the first */
	b = (struct rn_block *)malloc(sizeof(*b) + len);
	if (!b)
		return NULL;
	b->len = b->used = len;
	b->next = c->arena->next;
	c->arena->next = b;
	return b->data;
}

/* A JS string as a NUL-terminated copy, or NULL (out of memory). */
char *rn_arena_string(struct rn_client *c, napi_env env, napi_value str)
{
	size_t len = 0;
	char *p;

	napi_get_value_string_utf8(env, str, NULL, 0, &len);
	if (!(p = rn_arena_alloc(c, len + 1)))
		return NULL;
	napi_get_value_string_utf8(env, str, p, len + 1, &len);
	return p;
}
