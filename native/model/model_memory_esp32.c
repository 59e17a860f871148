/*
 * Memory for the model runner on the ESP32-S3 (see model_runner.h): the arena
 * in internal RAM, the (rare) aligned copy of the model in PSRAM.
 */
#include "esp_heap_caps.h"

#include "model_runner.h"

void *model_arena_allocate(size_t bytes)
{
	return heap_caps_aligned_alloc(16, bytes, MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT);
}

void model_arena_free(void *arena)
{
	heap_caps_free(arena);
}

void *model_copy_allocate(size_t bytes)
{
	void *copy = heap_caps_aligned_alloc(16, bytes, MALLOC_CAP_SPIRAM | MALLOC_CAP_8BIT);
	return copy ? copy : heap_caps_aligned_alloc(16, bytes, MALLOC_CAP_8BIT);
}

void model_copy_free(void *copy)
{
	heap_caps_free(copy);
}
