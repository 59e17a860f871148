/*
 * XS binding of the frame kernel (tile_kernel.c) for hosts/moddable/native-tile-kernel.ts:
 * the same call as the portable TileKernel.write, plus the LUT and the frame wipe.
 * Works on caller-owned buffers only: nothing is allocated per call.
 */
#include <math.h>

#include "xsmc.h"
#include "tile_kernel.h"

/* A geometry argument: a non-negative integer that fits 32 bits (the portable kernel's inputs always are). */
static uint32_t argumentIndex(xsMachine *the, xsIntegerValue index, const char *name)
{
	xsNumberValue value = xsmcToNumber(xsArg(index));
	if (!((value >= 0) && (value <= 4294967295.0)) || (value != floor(value)))
		xsRangeError("tile kernel: %s must be an integer in 0..2^32-1", name);
	return (uint32_t)value;
}

static void *argumentBuffer(xsMachine *the, xsIntegerValue index, xsBooleanValue writable, xsUnsignedValue *length)
{
	void *data;
	if (writable)
		xsmcGetBufferWritable(xsArg(index), &data, length);
	else
		xsmcGetBufferReadable(xsArg(index), &data, length);
	return data;
}

/* write(pixels, frameWidth, frameHeight, rx, ry, rw, rh, sw, sh, ox, oy, lut, out) */
void xs_tile_kernel_write(xsMachine *the)
{
	TileKernelGeometry geometry;
	xsUnsignedValue pixelsLength, lutLength, outLength;
	geometry.frameWidth = argumentIndex(the, 1, "frame width");
	geometry.frameHeight = argumentIndex(the, 2, "frame height");
	geometry.rx = argumentIndex(the, 3, "rx");
	geometry.ry = argumentIndex(the, 4, "ry");
	geometry.rw = argumentIndex(the, 5, "rw");
	geometry.rh = argumentIndex(the, 6, "rh");
	geometry.sw = argumentIndex(the, 7, "sw");
	geometry.sh = argumentIndex(the, 8, "sh");
	geometry.ox = argumentIndex(the, 9, "ox");
	geometry.oy = argumentIndex(the, 10, "oy");
	const uint8_t *pixels = argumentBuffer(the, 0, 0, &pixelsLength);
	const int8_t *lut = argumentBuffer(the, 11, 0, &lutLength);
	int8_t *out = argumentBuffer(the, 12, 1, &outLength);
	if ((uint64_t)pixelsLength != (uint64_t)geometry.frameWidth * geometry.frameHeight)
		xsRangeError("tile kernel: pixels must hold width * height bytes");
	const char *problem = tile_kernel_check(&geometry);
	if (problem)
		xsRangeError("%s", problem);
	if (lutLength != TILE_KERNEL_LUT_SIZE)
		xsRangeError("tile kernel: LUT must have 256 entries");
	if (outLength < TILE_KERNEL_BYTES)
		xsRangeError("tile kernel: output must hold 96 * 96 values");
	tile_kernel_write(pixels, &geometry, lut, out);
}

/* buildLut(scale, zeroPoint, lut): fills the 256-entry Int8Array `lut`. */
void xs_tile_kernel_build_lut(xsMachine *the)
{
	xsNumberValue scale = xsmcToNumber(xsArg(0));
	xsNumberValue zeroPoint = xsmcToNumber(xsArg(1));
	xsUnsignedValue lutLength;
	float narrow = (float)scale;
	if (!(narrow > 0) || isinf(narrow))
		xsRangeError("input scale must be a positive number");
	if ((zeroPoint != floor(zeroPoint)) || (zeroPoint < -2147483648.0) || (zeroPoint > 2147483647.0))
		xsRangeError("input zero point must be an integer");
	int8_t *lut = argumentBuffer(the, 2, 1, &lutLength);
	if (lutLength != TILE_KERNEL_LUT_SIZE)
		xsRangeError("tile kernel: LUT must have 256 entries");
	tile_kernel_build_lut(narrow, (int32_t)zeroPoint, lut);
}

/* wipe(pixels): zeros, so that no frame outlives its processing. */
void xs_tile_kernel_wipe(xsMachine *the)
{
	xsUnsignedValue length;
	uint8_t *pixels = argumentBuffer(the, 0, 1, &length);
	tile_kernel_wipe(pixels, length);
}
