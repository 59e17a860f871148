/*
 * Frame kernel, exact integer arithmetic (see tile_kernel.h and the portable
 * src/frame/tile-kernel.ts). Box bounds use 64-bit products, exact for any
 * 32-bit size; pixel sums stay 32-bit (a frame holds at most UINT32_MAX / 256
 * pixels, so sum + n / 2 <= 255.5 n fits), which keeps the per-pixel division
 * 32-bit on the ESP32-S3. Build without -ffast-math: the LUT needs IEEE doubles.
 */
#include <math.h>
#include <string.h>

#include "tile_kernel.h"

const char *tile_kernel_check(const TileKernelGeometry *g)
{
	if ((g->frameWidth == 0) || (g->frameHeight == 0) || ((uint64_t)g->frameWidth * g->frameHeight > UINT32_MAX / 256))
		return "tile kernel: frame size out of range";
	if ((g->rw < 1) || (g->rh < 1) || ((uint64_t)g->rx + g->rw > g->frameWidth) || ((uint64_t)g->ry + g->rh > g->frameHeight))
		return "tile kernel: ROI outside the frame";
	if ((g->sw < TILE_KERNEL_SIDE) || (g->sh < TILE_KERNEL_SIDE))
		return "tile kernel: scaled ROI smaller than a tile";
	if ((g->ox > g->sw - TILE_KERNEL_SIDE) || (g->oy > g->sh - TILE_KERNEL_SIDE))
		return "tile kernel: tile origin outside the scaled ROI";
	return NULL;
}

void tile_kernel_build_lut(float scale, int32_t zeroPoint, int8_t lut[TILE_KERNEL_LUT_SIZE])
{
	const double wide = (double)scale;
	for (int p = 0; p < TILE_KERNEL_LUT_SIZE; p++) {
		double q = floor((double)p / 255.0 / wide + 0.5) + (double)zeroPoint;
		lut[p] = (int8_t)((q < -128.0) ? -128 : (q > 127.0) ? 127 : (int)q);
	}
}

/* Start and end (exclusive) of the source span of scaled position `at`: at least one pixel. */
static inline void span(uint32_t origin, uint32_t length, uint32_t scaled, uint32_t at, uint32_t *start, uint32_t *end)
{
	uint32_t first = origin + (uint32_t)(((uint64_t)at * length) / scaled);
	uint32_t last = origin + (uint32_t)(((uint64_t)(at + 1) * length) / scaled);
	if (last <= first)
		last = first + 1;
	*start = first;
	*end = last;
}

void tile_kernel_write(const uint8_t *pixels, const TileKernelGeometry *g,
	const int8_t lut[TILE_KERNEL_LUT_SIZE], int8_t *out)
{
	uint32_t columnStart[TILE_KERNEL_SIDE], columnEnd[TILE_KERNEL_SIDE];
	for (uint32_t tx = 0; tx < TILE_KERNEL_SIDE; tx++)
		span(g->rx, g->rw, g->sw, g->ox + tx, &columnStart[tx], &columnEnd[tx]);
	for (uint32_t ty = 0; ty < TILE_KERNEL_SIDE; ty++) {
		uint32_t y0, y1;
		span(g->ry, g->rh, g->sh, g->oy + ty, &y0, &y1);
		int8_t *row = out + ty * TILE_KERNEL_SIDE;
		for (uint32_t tx = 0; tx < TILE_KERNEL_SIDE; tx++) {
			uint32_t x0 = columnStart[tx], x1 = columnEnd[tx];
			uint32_t sum = 0;
			for (uint32_t y = y0; y < y1; y++) {
				const uint8_t *line = pixels + (size_t)y * g->frameWidth;
				for (uint32_t x = x0; x < x1; x++)
					sum += line[x];
			}
			uint32_t n = (x1 - x0) * (y1 - y0);
			row[tx] = lut[(sum + n / 2) / n];
		}
	}
}

void tile_kernel_wipe(uint8_t *pixels, size_t length)
{
	/* A plain memset of a buffer never read again may be removed: keep it. */
#if defined(__GNUC__)
	memset(pixels, 0, length);
	__asm__ __volatile__("" : : "r"(pixels) : "memory");
#else
	volatile uint8_t *p = pixels;
	while (length--)
		*p++ = 0;
#endif
}
