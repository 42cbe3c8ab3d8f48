// Types of conncheck-companion's CommonJS entry (index.js), whose
// module.exports is the object below: `require("conncheck-companion")`
// gives `attach` and the constants, and has no `default`.
import type { Namespace, Server } from "socket.io";

declare namespace conncheckCompanion {
  interface CompanionOptions {
    /** The namespace to register; default "/conncheck". */
    namespace?: string;
    /** HMAC key for the pod id (at least 16 bytes); random per process when absent. */
    key?: string | Buffer;
  }

  interface Companion {
    namespace: Namespace;
    /** The opaque pod id this process tells clients. */
    pod: string;
  }

  /** Registers the companion namespace on `io`; throws on a bad option. */
  function attach(io: Server, options?: CompanionOptions): Companion;
  const PROTOCOL_VERSION: number;
  const DEFAULT_NAMESPACE: string;
  const RATE_MAX: number;
  const RATE_WINDOW_MS: number;
}

export = conncheckCompanion;
