/** Where the system under test lives. Plain constants: imported by the config, global setup and tests. */
const trim = (u: string): string => u.replace(/\/+$/, '');

/** The console (Rust/Leptos). Started by the top-level test script, never by this suite. */
export const WARDEN_URL = trim(process.env.WARDEN_URL ?? 'http://127.0.0.1:3000');
/** The local OIDC IdP (panva oidc-provider) from stack/idp. */
export const IDP_URL = trim(process.env.IDP_URL ?? 'http://127.0.0.1:9400');

export const WARDEN_ORIGIN = new URL(WARDEN_URL).origin;
export const IDP_ORIGIN = new URL(IDP_URL).origin;
