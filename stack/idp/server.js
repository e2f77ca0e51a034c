// Local OpenID Connect provider for IoT Warden (docs/contract.md, section "IdP").
// panva/oidc-provider with a real login form (the bundled devInteractions accept any
// password), automatic consent for the one first-party client, PKCE required.
//
// Environment: IDP_PORT (9400), IDP_REDIRECT_URIS (comma-separated), IDP_JWKS_FILE (a JWKS
// with private signing keys; otherwise a fresh RSA key is generated at each start).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
const PORT = Number(process.env.IDP_PORT || 9400);
const ISSUER = `http://127.0.0.1:${PORT}`;
const CLIENT_ID = 'iot-warden-local';
const CLIENT_SECRET = 'local-dev-secret-not-for-production';
const DEFAULT_REDIRECT_URIS = [
  'http://127.0.0.1:3000/auth/callback',
  'http://localhost:3000/auth/callback',
  'http://127.0.0.1:3001/auth/callback',
];
const REDIRECT_URIS = process.env.IDP_REDIRECT_URIS
  ? process.env.IDP_REDIRECT_URIS.split(',').map((s) => s.trim()).filter(Boolean)
  : DEFAULT_REDIRECT_URIS;
// After RP-initiated logout the console may return to its own root page.
const POST_LOGOUT_REDIRECT_URIS = [...new Set(REDIRECT_URIS.map((u) => `${new URL(u).origin}/`))];

// Local-only accounts; every one uses the same password (docs/contract.md).
const PASSWORD = 'warden-local-pw';
const USERS = {
  admin: { name: 'Ada Admin', groups: ['warden-admins'] },
  onboarder: { name: 'Otto Onboarder', groups: ['warden-onboarding'] },
  auditor: { name: 'Aud Auditor', groups: ['warden-auditors'] },
  nobody: { name: 'Nora Nobody', groups: ['staff'] },
};
const SCOPES = ['openid', 'profile', 'groups'];

function signingKeys() {
  if (process.env.IDP_JWKS_FILE) {
    const jwks = JSON.parse(fs.readFileSync(process.env.IDP_JWKS_FILE, 'utf8'));
    if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) {
      throw new Error(`${process.env.IDP_JWKS_FILE} holds no "keys"`);
    }
    return jwks.keys;
  }
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return [{ ...jwk, kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' }];
}

function constantTimeEqual(a, b) {
  const x = crypto.createHash('sha256').update(String(a)).digest();
  const y = crypto.createHash('sha256').update(String(b)).digest();
  return crypto.timingSafeEqual(x, y);
}

function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;background:#f3f4f6;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 2px 8px #0002;min-width:18rem}
h1{font-size:1.3rem;margin-top:0} label{display:block;margin:.8rem 0 .2rem} input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin-top:1.2rem;width:100%;padding:.5rem;background:#1f4e79;color:#fff;border:0;border-radius:4px;font-size:1rem}
.error{color:#a40000;background:#fde8e8;padding:.5rem;border-radius:4px} .hint{color:#666;font-size:.8rem}
</style></head><body><main>${body}</main></body></html>`;
}

function loginPage(uid, { username = '', error } = {}) {
  return page('Sign in - IoT Warden local IdP', `
<h1>IoT Warden (local IdP)</h1>
${error ? `<p class="error" id="login-error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}" autocomplete="off">
  <label for="username">Username</label>
  <input id="username" name="username" value="${escapeHtml(username)}" required autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" required>
  <button type="submit">Sign in</button>
</form>
<p class="hint">Local development accounts only.</p>`);
}

const configuration = {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      client_name: 'IoT Warden (local)',
      redirect_uris: REDIRECT_URIS,
      post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
  ],
  jwks: { keys: signingKeys() },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
  scopes: SCOPES,
  responseTypes: ['code'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    groups: ['groups'],
  },
  // Put the scope-granted claims (name, preferred_username, groups) into the ID token itself.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  clientBasedCORS: () => false,
  async findAccount(ctx, sub) {
    const user = USERS[sub];
    if (!user) return undefined;
    return {
      accountId: sub,
      claims: async () => ({
        sub,
        name: user.name,
        preferred_username: sub,
        groups: [...user.groups],
      }),
    };
  },
  // First-party client: consent is implied, so a grant for the requested scopes is made here
  // and the consent prompt never shows.
  async loadExistingGrant(ctx) {
    const { oidc } = ctx;
    const existing = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    if (existing) {
      const grant = await oidc.provider.Grant.find(existing);
      if (grant) return grant;
    }
    if (!oidc.session.accountId || oidc.client.clientId !== CLIENT_ID) return undefined;
    const grant = new oidc.provider.Grant({ clientId: CLIENT_ID, accountId: oidc.session.accountId });
    grant.addOIDCScope(SCOPES.join(' '));
    await grant.save();
    return grant;
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    IdToken: 3600,
    Interaction: 3600,
    Session: 8 * 3600,
    Grant: 8 * 3600,
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error - IoT Warden local IdP', `<h1>Sign-in error</h1>
<p class="error" role="alert">${escapeHtml(out.error)}: ${escapeHtml(out.error_description)}</p>`);
  },
};

const provider = new Provider(ISSUER, configuration);
provider.proxy = false;
const oidcCallback = provider.callback();

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16 * 1024) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

function send(res, status, html) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
  });
  res.end(html);
}

async function handleInteraction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('Error', '<p class="error">Unknown sign-in attempt.</p>'));
  const { prompt } = details;

  if (prompt.name === 'consent') {
    // Not expected (loadExistingGrant grants everything), but never show a consent page.
    const grant = new provider.Grant({ clientId: details.params.client_id, accountId: details.session.accountId });
    grant.addOIDCScope(SCOPES.join(' '));
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (prompt.name !== 'login') {
    return send(res, 400, page('Error', `<p class="error">Unsupported prompt ${escapeHtml(prompt.name)}.</p>`));
  }
  if (req.method === 'GET') return send(res, 200, loginPage(uid));
  if (req.method !== 'POST') return send(res, 405, page('Error', '<p class="error">Method not allowed.</p>'));

  const form = await readForm(req);
  const username = (form.get('username') || '').trim();
  const password = form.get('password') || '';
  const known = Object.hasOwn(USERS, username);
  if (!known || !constantTimeEqual(password, PASSWORD)) {
    console.log(`login failed for ${JSON.stringify(username)}`);
    return send(res, 401, loginPage(uid, { username, error: 'Invalid username or password.' }));
  }
  console.log(`login ok for ${username}`);
  return provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
}

const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)\/?$/.exec(new URL(req.url, ISSUER).pathname);
  if (!match) return oidcCallback(req, res);
  handleInteraction(req, res, match[1]).catch((err) => {
    console.error('interaction error:', err.message);
    if (!res.headersSent) {
      send(res, 400, page('Error', `<p class="error" role="alert">${escapeHtml(err.message)}</p>
<p>Start again from the console's sign-in link.</p>`));
    }
  });
});

server.listen(PORT, HOST, () => {
  console.log(`iot-warden idp listening on ${ISSUER} (redirect URIs: ${REDIRECT_URIS.join(', ')})`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
