// A real OpenID provider (oidc-provider) for the single sign-on tests, on a loopback port of its own.
//
// Started by SsoProvider.cs with the client and the accounts in environment variables. It listens first and
// prints "listening <issuer>", so the app can be started with that authority; then it reads the app's redirect
// URI from its first line of standard input (the app's port is known only once it runs), registers the client
// and prints "ready". It exits when standard input closes, so a test that dies leaves no provider behind.
//
// SSO_CLIENT_ID, SSO_CLIENT_SECRET: the app's client.
// SSO_ACCOUNTS: JSON array of { "id", "email", "email_verified" }; the sign-in form takes the id as its login,
// with any password (oidc-provider's development sign-in and consent pages).
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import Provider from 'oidc-provider';

const accounts = new Map(JSON.parse(process.env.SSO_ACCOUNTS ?? '[]').map((a) => [a.id, a]));

const server = createServer((request, response) => {
  response.statusCode = 503;
  response.end('not ready');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
console.log(`listening ${issuer}`);

const input = createInterface({ input: process.stdin });
input.once('line', (redirectUri) => {
  const provider = new Provider(issuer, {
    clients: [{
      client_id: process.env.SSO_CLIENT_ID,
      client_secret: process.env.SSO_CLIENT_SECRET,
      redirect_uris: [redirectUri.trim()],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      // ASP.NET Core's handler sends the secret in the body.
      token_endpoint_auth_method: 'client_secret_post',
    }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // Claims in the ID token too, as Keycloak and Google send them; the app also asks the userinfo endpoint.
    conformIdTokenClaims: false,
    async findAccount(ctx, id) {
      const account = accounts.get(id);
      if (!account) {
        return undefined;
      }

      return {
        accountId: id,
        async claims() {
          return { sub: id, email: account.email, email_verified: account.email_verified, name: id };
        },
      };
    },
    // No consent page: the test client is trusted with the scopes it asks for.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    features: { devInteractions: { enabled: true } },
  });
  provider.on('server_error', (ctx, error) => console.error(`server_error ${error}`));
  server.removeAllListeners('request');
  server.on('request', provider.callback());
  console.log('ready');
});
input.once('close', () => {
  server.closeAllConnections();
  server.close();
  process.exit(0);
});
