/**
 * The embedded sandbox portal as the connections domain needs it: "Try the sandbox" starts it in
 * the host process (on a loopback port, state under `<data>/sandbox/`), and sandbox workspaces are
 * connected to it with credentials it mints.
 */
export interface SandboxPortal {
  /** http://127.0.0.1:<port>: API base, authorize base and Stripe API base of sandbox workspaces. */
  url: string;
  portalId: number;
  /** A private-app token of the default portal with every scope. */
  mintPrivateAppToken(): Promise<string>;
  /** A restricted Stripe key with every read permission, or null while the build has no Stripe sandbox. */
  mintStripeKey(): Promise<string | null>;
}

export interface SandboxHost {
  /** Starts the sandbox if it isn't running (seeding an empty portal), and returns it. */
  ensureStarted(): Promise<SandboxPortal>;
  /** The running sandbox, if any. */
  current(): SandboxPortal | null;
  close(): Promise<void>;
}
