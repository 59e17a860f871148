// Reading an op's parameter words from the op program.

/** The `index`th 32-bit word of the parameters at `p`. */
// @ts-ignore: decorator
@inline
export function word(p: usize, index: i32): i32 {
  return load<i32>(p + (<usize>index << 2));
}

/** The `index`th word as a pointer. */
// @ts-ignore: decorator
@inline
export function pointer(p: usize, index: i32): usize {
  return <usize>load<u32>(p + (<usize>index << 2));
}

/** Clamps to [low, high]. */
// @ts-ignore: decorator
@inline
export function clamp(value: i32, low: i32, high: i32): i32 {
  return value < low ? low : value > high ? high : value;
}
