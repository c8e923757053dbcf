// A real OpenID provider for the tests (issue 18): the certified npm package `oidc-provider`,
// configured from a JSON file the fixture writes (tests/identity_provider/fixture.py).
//
// The file holds the issuer's port, its signing keys (private JWKs), its clients and its
// users. Users are read afresh from `users_file` at every sign-in, so a test can change a
// person's groups between two sign-ins, as a council's IT team would in Entra ID. The
// provider's own login form (devInteractions) takes the user's id as the login; any password.
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;

function user(id) {
  return JSON.parse(readFileSync(config.users_file, 'utf8'))[id];
}

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: config.keys },
  cookies: { keys: ['supplier-dd-test-provider-cookies'] },
  // Entra ID puts the person's claims (email, groups) in the ID token; so does this provider.
  conformIdTokenClaims: false,
  // Entra ID sends the groups claim without a scope being asked for; so does this provider.
  claims: {
    openid: ['sub', 'groups'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  scopes: ['openid', 'email', 'profile'],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  ttl: {
    IdToken: config.id_token_ttl || 3600,
  },
  // A test user consents once for all: the consent page would only add a click to every test.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name', 'groups']);
    await grant.save();
    return grant;
  },
  async findAccount(ctx, id) {
    const person = user(id);
    if (!person) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email_verified: true, ...person };
      },
    };
  },
});
// Plain http on 127.0.0.1 is fine for a test provider; real ones are https.
provider.proxy = false;

const server = provider.listen(config.port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
