/*
 * Platform definitions for the Ephemera XS test host (Linux, GCC or Clang),
 * included by the XS engine sources through -DXSPLATFORM. The machine fields
 * below are what xs_host_platform.c needs: a promise job flag, the host's
 * state, and the three fields the engine's Atomics.wait uses with POSIX threads.
 */
#ifndef EPHEMERA_XS_HOST_PLATFORM_H
#define EPHEMERA_XS_HOST_PLATFORM_H

#if !defined(__GNUC__) || !defined(__linux__)
	#error "the XS test host builds on Linux with GCC or Clang"
#endif

#undef mxLittleEndian
#define mxLittleEndian 1
#undef mxLinux
#define mxLinux 1
#define mxExport extern
#define mxImport extern
#define XS_FUNCTION_NORETURN __attribute__((noreturn))

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define mxUseGCCAtomics 1
#define mxUsePOSIXThreads 1

#define mxUseDefaultBuildKeys 1
#define mxUseDefaultChunkAllocation 1
#define mxUseDefaultSlotAllocation 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1
#define mxUseDefaultDebug 1

#if INTPTR_MAX == INT64_MAX
	#define mx32bitID 1
#endif

#define mxMachinePlatform \
	int promiseJobs; \
	int abortStatus; \
	void* host; \
	void* waiterCondition; \
	void* waiterData; \
	void* waiterLink;

#endif
