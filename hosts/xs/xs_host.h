/*
 * What main.c (written against xs.h) needs from xs_host_platform.c (written
 * against the engine's internal xsAll.h: the two headers cannot meet in one
 * file). The machine is passed as void* for that reason.
 */
#ifndef EPHEMERA_XS_HOST_H
#define EPHEMERA_XS_HOST_H

#include <stddef.h>
#include <stdint.h>

/*
 * Maps a bare specifier to an absolute path ("fast-check" to ".../fast-check.js"), or
 * a pattern: a specifier prefix ending in '*' to a path with one '*', which the
 * rest of the name replaces ("pure-rand/" + '*' to ".../lib/esm/" + '*' + ".js").
 * 0 when the table is full or the mapping is malformed.
 */
int xs_host_map_specifier(const char *specifier, const char *path);

/*
 * Called while a module loads, once per `native("name")` call site, with the
 * name of a linked C function: defines native[name] (see bindNatives).
 */
typedef void (*XsHostNativeBinder)(void *machine, const char *name);
void xs_host_set_native_binder(XsHostNativeBinder binder);

/* Imports the ES module at an absolute path; the outcome is known once the jobs have run. */
void xs_host_import(void *machine, const char *path);
/* 0 pending, 1 fulfilled, 2 rejected (the reason was already reported). */
int xs_host_import_state(void);

/* Runs promise jobs until none is left. */
void xs_host_run_jobs(void *machine);
/* Reports the rejections that nothing handled; returns how many there were in the whole run. */
int xs_host_report_unhandled(void *machine);
/* Nonzero once the engine aborted (memory, stack, computation, unhandled exception). */
int xs_host_aborted(void *machine);

/* Live slots and chunk bytes as the engine counts them: both grow with each allocation until a collection. */
size_t xs_host_slot_count(void *machine);
size_t xs_host_chunk_bytes(void *machine);
size_t xs_host_slot_size(void);
/* The engine's computation meter (computrons): bytecodes and host calls, as counted with mxMetering. */
uint32_t xs_host_meter(void *machine);

#endif
