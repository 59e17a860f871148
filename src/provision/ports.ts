/**
 * What provisioning needs from the host besides src/interfaces: the Wi-Fi
 * station, a check of the collector's CA, and a face finder for the aiming
 * preview. Kept here rather than in src/interfaces because only provisioning
 * uses them.
 */
import type { GrayFrame } from "../interfaces/index.js";
import type { WifiCredentials, WifiNetwork } from "./improv-codec.js";

export type WifiConnectResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: "wrong_password" | "not_found" | "timeout" | "failed" };

export interface WifiStation {
  /** True while associated with an access point and holding an address. */
  readonly connected: boolean;
  scan(): Promise<readonly WifiNetwork[]>;
  /** Joins the network; resolves with the outcome (rejects only on a fault of the station itself). */
  connect(credentials: WifiCredentials): Promise<WifiConnectResult>;
}

export type CollectorCheckResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: "ca_refused" | "unreachable"; readonly detail: string };

/** Connects to the collector trusting only `caPem` (no other CA) and says whether TLS verified. */
export interface CollectorCheck {
  check(collectorUrl: string, caPem: string): Promise<CollectorCheckResult>;
}

/** A face in frame pixels: center, and width when the detector gives one. */
export interface FaceBox {
  readonly x: number;
  readonly y: number;
  readonly size?: number;
}

/** Finds faces in a frame (the device's own detector). May wipe the frame's pixels. */
export interface FaceFinder {
  find(frame: GrayFrame): readonly FaceBox[];
}
