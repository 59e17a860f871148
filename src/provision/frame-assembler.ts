import { RPC_MAX_FRAME_BYTES, decodeRpcFrame, type RpcDecoded } from "./rpc-frame.js";

/** A partial frame older than this is dropped: the client gave up halfway. */
export const FRAGMENT_STALE_MS = 2_000;

/**
 * Joins RPC frames that arrive in several BLE writes (a frame over 20 bytes
 * may need several packets). Holds at most one frame's worth of bytes: a
 * write that would go past the largest frame is refused as "oversize" and the
 * buffer is cleared, so garbage can never grow memory or wedge the stream.
 */
export class RpcFrameAssembler {
  #buffer = new Uint8Array(RPC_MAX_FRAME_BYTES);
  #length = 0;
  #lastAt = 0;

  /** Bytes waiting for the rest of their frame. */
  get pending(): number {
    return this.#length;
  }

  /** Drops any partial frame (on disconnect). */
  reset(): void {
    this.#length = 0;
  }

  /**
   * Adds one write's bytes at time `now` (ms). Returns each frame completed
   * by it, decoded, or the problem that made it invalid, in order.
   */
  push(fragment: Uint8Array, now: number): RpcDecoded[] {
    const results: RpcDecoded[] = [];
    if (this.#length > 0 && now - this.#lastAt > FRAGMENT_STALE_MS) {
      this.#length = 0;
      results.push({ ok: false, problem: "short" });
    }
    this.#lastAt = now;
    if (this.#length + fragment.length > RPC_MAX_FRAME_BYTES) {
      this.#length = 0;
      results.push({ ok: false, problem: "oversize" });
      return results;
    }
    this.#buffer.set(fragment, this.#length);
    this.#length += fragment.length;
    while (this.#length >= 2) {
      const frameLength = this.#buffer[1] + 3;
      if (this.#length < frameLength) break;
      const decoded = decodeRpcFrame(this.#buffer.slice(0, frameLength));
      results.push(decoded);
      if (!decoded.ok) {
        // Framing is lost: whatever follows cannot be trusted to start a frame.
        this.#length = 0;
        break;
      }
      this.#buffer.copyWithin(0, frameLength, this.#length);
      this.#length -= frameLength;
    }
    return results;
  }
}
