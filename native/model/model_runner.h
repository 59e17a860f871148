/*
 * The model runner: TensorFlow Lite Micro behind a small C API, so that the
 * XS binding (xs_tflite_model.c) stays plain C. One int8 input, one or two
 * int8 outputs; the arena is allocated once, in internal RAM on the board.
 */
#ifndef EPHEMERA_MODEL_RUNNER_H
#define EPHEMERA_MODEL_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MODEL_RUNNER_MAX_DIMS 6
#define MODEL_RUNNER_MAX_OUTPUTS 2

typedef struct ModelRunner ModelRunner;

typedef struct {
	int dimensionCount;
	int32_t dimensions[MODEL_RUNNER_MAX_DIMS];
	float scale;
	int32_t zeroPoint;
	size_t bytes;
} ModelTensorInfo;

/*
 * Opens `model` (a .tflite flatbuffer, kept by the caller for the runner's
 * life; 16-byte aligned) with an arena of `arenaBytes`. Returns NULL and sets
 * *runner, or returns the reason it failed (a static string) and sets *runner
 * to NULL. `detail` receives numbers for the log (e.g. the arena size).
 */
const char *model_runner_open(const uint8_t *model, size_t modelBytes, size_t arenaBytes, ModelRunner **runner, char *detail, size_t detailSize);
void model_runner_close(ModelRunner *runner);

/* Bytes of the arena that TFLM uses after allocating the tensors (ESP-NN scratch included on the board). */
size_t model_runner_arena_used(const ModelRunner *runner);
size_t model_runner_arena_size(const ModelRunner *runner);
int model_runner_output_count(const ModelRunner *runner);
/* index -1 is the input; 0.. the outputs. */
void model_runner_tensor_info(const ModelRunner *runner, int index, ModelTensorInfo *info);

/*
 * Copies `input` into the input tensor (TFLM may reuse its memory between
 * calls, so it is written every time), runs the model and copies each output
 * into outputs[i] (outputBytes[i] long). NULL on success, else the reason.
 */
const char *model_runner_invoke(ModelRunner *runner, const int8_t *input, size_t inputBytes, int8_t *const outputs[], const size_t outputBytes[], int outputCount);

/*
 * Where memory comes from (model_memory_esp32.c on the board): the arena from
 * internal RAM (fast, and what ESP-NN expects); an aligned copy of a model
 * whose bytes are not 16-byte aligned from PSRAM. Both 16-byte aligned.
 */
void *model_arena_allocate(size_t bytes);
void model_arena_free(void *arena);
void *model_copy_allocate(size_t bytes);
void model_copy_free(void *copy);

#ifdef __cplusplus
}
#endif

#endif
