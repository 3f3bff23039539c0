/* SPDX-License-Identifier: MIT */
/*
 * addon.c - the module's entry point.  Node-API only, so one build serves
 * every Node of the same Node-API version, and the addon loads in worker
 * threads too (each opens handles of its own: a handle is for one thread).
 */
#include "rlcnode.h"

void rn_module_register(napi_env env, napi_value exports);

NAPI_MODULE_INIT()
{
	rn_module_register(env, exports);
	return exports;
}
