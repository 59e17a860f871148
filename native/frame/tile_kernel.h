/*
 * The frame kernel: crops and scales a region of interest of a grayscale frame
 * into one 96x96 int8 model input, with the exact integer arithmetic of the
 * portable kernel (src/frame/tile-kernel.ts), so that both give the same bytes.
 * Plain C99 with no XS dependency: xs_tile_kernel.c binds it to JavaScript.
 */
#ifndef EPHEMERA_TILE_KERNEL_H
#define EPHEMERA_TILE_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#define TILE_KERNEL_SIDE 96
#define TILE_KERNEL_BYTES (TILE_KERNEL_SIDE * TILE_KERNEL_SIDE)
#define TILE_KERNEL_LUT_SIZE 256

typedef struct {
	uint32_t frameWidth, frameHeight;
	uint32_t rx, ry, rw, rh; /* region of interest, frame pixels */
	uint32_t sw, sh;         /* scaled ROI size */
	uint32_t ox, oy;         /* tile origin in scaled-ROI pixels */
} TileKernelGeometry;

/*
 * NULL when the geometry is valid, else the reason (same checks and wording as
 * the portable kernel). Also refuses sizes whose products would leave the
 * exact range of the arithmetic below (never reached by a real sensor).
 */
const char *tile_kernel_check(const TileKernelGeometry *geometry);

/* lut[p] = clamp(floor(p / 255 / scale + 0.5) + zeroPoint, -128, 127) in doubles, scale widened from float32. */
void tile_kernel_build_lut(float scale, int32_t zeroPoint, int8_t lut[TILE_KERNEL_LUT_SIZE]);

/* Writes TILE_KERNEL_BYTES values to out. The geometry must have passed tile_kernel_check. */
void tile_kernel_write(const uint8_t *pixels, const TileKernelGeometry *geometry,
	const int8_t lut[TILE_KERNEL_LUT_SIZE], int8_t *out);

/* Fills a frame buffer with zeros in a way the compiler may not drop. */
void tile_kernel_wipe(uint8_t *pixels, size_t length);

#endif
