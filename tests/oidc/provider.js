// A real OpenID Connect provider (npm `oidc-provider`) for govlab's login
// tests. Development-only: in-memory storage, generated signing keys,
// no passwords (devInteractions' login form takes any user name below).
//
//   PORT=9400 PORTAL_URL=http://127.0.0.1:8080 node provider.js
//
// Prints "oidc-provider listening on <issuer>" once it accepts requests.
//
// Clients:
// - govlab-portal / portal-secret: authorization code + PKCE, redirect to
//   <PORTAL_URL>/auth/callback (several portals: PORTAL_URLS, comma-separated).
// - govlab-cli / cli-secret: client credentials; JWT access tokens for the
//   resource urn:govlab:portal, carrying govlab_role=startup, govlab_team=team-a.
// - govlab-cli-staff / cli-staff-secret: the same, with govlab_role=staff.
// Users: alice (startup, team-a), bob (startup, team-b), sam (staff),
// ivy (investor), nora (no lab role).
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || process.argv[2] || 9400);
const host = process.env.HOST || '127.0.0.1';
const issuer = process.env.ISSUER || `http://${host}:${port}`;
const portals = (process.env.PORTAL_URLS || process.env.PORTAL_URL || 'http://127.0.0.1:8080')
  .split(',')
  .map((url) => url.trim().replace(/\/$/, ''))
  .filter(Boolean);
export const API_RESOURCE = 'urn:govlab:portal';

const users = {
  alice: { name: 'Alice Startup', govlab_role: 'startup', govlab_team: 'team-a' },
  bob: { name: 'Bob Startup', govlab_role: 'startup', govlab_team: 'team-b' },
  sam: { name: 'Sam Staff', govlab_role: 'staff' },
  ivy: { name: 'Ivy Investor', govlab_role: 'investor' },
  nora: { name: 'Nora Nobody' },
};

const machineClaims = {
  'govlab-cli': { govlab_role: 'startup', govlab_team: 'team-a' },
  'govlab-cli-staff': { govlab_role: 'staff' },
};

const configuration = {
  clients: [
    {
      client_id: 'govlab-portal',
      client_secret: 'portal-secret',
      redirect_uris: portals.map((url) => `${url}/auth/callback`),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    ...Object.keys(machineClaims).map((id) => ({
      client_id: id,
      client_secret: id === 'govlab-cli' ? 'cli-secret' : 'cli-staff-secret',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
  ],
  scopes: ['openid', 'profile', 'govlab', 'api'],
  claims: {
    openid: ['sub'],
    profile: ['name'],
    govlab: ['govlab_role', 'govlab_team'],
  },
  async findAccount(_ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...user };
      },
    };
  },
  // First-party portal: no consent screen (the grant is made on login).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    if (ctx.oidc.client.clientId !== 'govlab-portal') return undefined;
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid profile govlab');
    grant.addOIDCClaims(['name', 'govlab_role', 'govlab_team']);
    await grant.save();
    return grant;
  },
  async extraTokenClaims(_ctx, token) {
    if (token.kind === 'ClientCredentials') return machineClaims[token.clientId];
    return undefined;
  },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      async defaultResource(_ctx, client, oneOf) {
        if (oneOf) return oneOf;
        return client.clientId in machineClaims ? API_RESOURCE : undefined;
      },
      async getResourceServerInfo(_ctx, resource) {
        if (resource !== API_RESOURCE) throw new Error(`unknown resource ${resource}`);
        return {
          scope: 'api',
          audience: API_RESOURCE,
          accessTokenTTL: 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
      async useGrantedResource() {
        return true;
      },
    },
  },
  ttl: { AccessToken: 600, ClientCredentials: 600, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (_ctx, err) => console.error('oidc-provider server_error', err));
const server = provider.listen(port, host, () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
