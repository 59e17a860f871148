import type { IncomingMessage } from "node:http";
import type { Reply } from "./http.js";

export type Method = "GET" | "POST";
/** none: public; device: a device token; admin: an admin token. */
export type Auth = "none" | "device" | "admin";

export interface RouteContext {
  readonly request: IncomingMessage;
  readonly url: URL;
  /** Path parameters, decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The device whose token authenticated the request (device routes). */
  readonly device?: string;
}

/** One operation of the API; `path` is written as in the OpenAPI document (`/v1/devices/{device_id}/rotate`). */
export interface Route {
  readonly method: Method;
  readonly path: string;
  readonly auth: Auth;
  handle(context: RouteContext): Reply | Promise<Reply>;
}

export type RouteMatch =
  | { readonly kind: "found"; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: "wrong_method"; readonly allowed: readonly Method[] }
  | { readonly kind: "bad_path" }
  | { readonly kind: "not_found" };

/** Finds the route for a method and path; a `{name}` segment matches one non-empty segment. */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch {
  const segments = pathname.split("/");
  const allowed: Method[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (params === undefined) continue;
    if (params === null) return { kind: "bad_path" };
    if (route.method === method) return { kind: "found", route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { kind: "wrong_method", allowed } : { kind: "not_found" };
}

/** Params when the path matches, undefined when it does not, null when a parameter is not valid percent-encoding. */
function matchPath(template: string, segments: readonly string[]): Record<string, string> | undefined | null {
  const parts = template.split("/");
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const segment = segments[i];
    const name = /^\{([a-z_]+)\}$/.exec(part)?.[1];
    if (name === undefined) {
      if (part !== segment) return undefined;
      continue;
    }
    if (segment === "") return undefined;
    try {
      params[name] = decodeURIComponent(segment);
    } catch {
      return null;
    }
  }
  return params;
}
