// Types of conncheck-companion's entry points.
import type { Namespace, Server } from "socket.io";

export interface CompanionOptions {
  /** The namespace to register; default "/conncheck". */
  namespace?: string;
  /** HMAC key for the pod id (at least 16 bytes); random per process when absent. */
  key?: string | Buffer;
}

export interface Companion {
  namespace: Namespace;
  /** The opaque pod id this process tells clients. */
  pod: string;
}

export function attach(io: Server, options?: CompanionOptions): Companion;
export const PROTOCOL_VERSION: number;
export const DEFAULT_NAMESPACE: string;
export const RATE_MAX: number;
export const RATE_WINDOW_MS: number;
declare const _default: {
  attach: typeof attach;
  PROTOCOL_VERSION: number;
  DEFAULT_NAMESPACE: string;
  RATE_MAX: number;
  RATE_WINDOW_MS: number;
};
export default _default;
