// Runs the official Flagsmith SDKs against a running FlagDashboard and checks every answer.
// Environment: BASE_URL (http://127.0.0.1:PORT), CLIENT_KEY, SERVER_KEY, and CHANGE_COMMAND (a shell
// command that changes "welcome_banner" to CHANGED_VALUE on the server, for the real-time check).
// Prints one line per check; exits 1 when any check failed.
import { execSync } from "node:child_process";
import { EventSource } from "eventsource";
import { Flagsmith } from "flagsmith-nodejs";
import { OpenFeature } from "@openfeature/server-sdk";
import { FlagsmithOpenFeatureProvider } from "@openfeature/flagsmith-provider";

const { BASE_URL, CLIENT_KEY, SERVER_KEY, CHANGE_COMMAND, CHANGED_VALUE } = process.env;
const API = `${BASE_URL}/api/v1/`;
// The browser SDK looks for a global EventSource when its module loads, so it is imported after this.
globalThis.EventSource = EventSource;
const { createFlagsmithInstance } = await import("flagsmith/isomorphic");

// Every request the SDKs make, with its answer's status, so that checks can see what went over the wire.
const wire = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  wire.push({ method: init?.method ?? "GET", url: String(input?.url ?? input), status: response.status });
  return response;
};

let failures = 0;
const check = (name, condition, detail = "") => {
  console.log(`${condition ? "ok" : "FAIL"} - ${name}${condition ? "" : `: ${detail}`}`);
  if (!condition) failures++;
};
const equal = (name, actual, expected) =>
  check(name, JSON.stringify(actual) === JSON.stringify(expected), `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function rawIdentity(identifier) {
  const response = await realFetch(`${API}identities/?identifier=${encodeURIComponent(identifier)}`, { headers: { "X-Environment-Key": CLIENT_KEY } });
  return response.json();
}

const traitsOf = (identity) => Object.fromEntries(identity.traits.map((t) => [t.trait_key, t.trait_value]));

// flagsmith-nodejs, remote evaluation.
const defaulted = [];
const server = new Flagsmith({
  environmentKey: CLIENT_KEY,
  apiUrl: API,
  enableAnalytics: true,
  defaultFlagHandler: (name) => { defaulted.push(name); return { enabled: false, value: "default", isDefault: true }; },
});
const environmentFlags = await server.getEnvironmentFlags();
equal("nodejs environment flag value", environmentFlags.getFeatureValue("welcome_banner"), "Hello, world");
equal("nodejs environment flag enabled", environmentFlags.isFeatureEnabled("welcome_banner"), true);
equal("nodejs integer value keeps its type", environmentFlags.getFeatureValue("max_items"), 25);
equal("nodejs hidden disabled flag falls back to the default handler", environmentFlags.getFeatureValue("dark_mode"), "default");

const stored = await server.getIdentityFlags("conformance-stored", { plan: "premium", logins: 150 });
check("nodejs identity flags answer", stored.getFeatureValue("welcome_banner") !== undefined);
equal("nodejs traits are stored with their types", traitsOf(await rawIdentity("conformance-stored")), { plan: "premium", logins: 150 });
await server.getIdentityFlags("conformance-stored", { plan: null });
equal("nodejs null trait deletes it", traitsOf(await rawIdentity("conformance-stored")), { logins: 150 });
await server.getIdentityFlags("conformance-transient-trait", { kept: "yes", once: { value: "only-now", transient: true } });
equal("nodejs transient trait is not stored", traitsOf(await rawIdentity("conformance-transient-trait")), { kept: "yes" });
await server.getIdentityFlags("conformance-transient-identity", { plan: "beta" }, true);
const transientIdentity = await rawIdentity("conformance-transient-identity");
equal("nodejs transient identity stores nothing", traitsOf(transientIdentity), {});

// Analytics: flagsmith-nodejs posts its evaluation counts.
await server.analyticsProcessor?.flush();
const analyticsPosts = wire.filter((r) => r.url.endsWith("/analytics/flags/"));
check("nodejs analytics post answered 200", analyticsPosts.length > 0 && analyticsPosts.every((r) => r.status === 200), JSON.stringify(analyticsPosts));

// A wrong key reaches the default-flag handler.
const wrongKeyDefaults = [];
const wrong = new Flagsmith({
  environmentKey: "not-a-real-key",
  apiUrl: API,
  retries: 0,
  defaultFlagHandler: (name) => { wrongKeyDefaults.push(name); return { enabled: true, value: "fallback", isDefault: true }; },
});
const wrongFlags = await wrong.getEnvironmentFlags().catch(() => null);
equal("nodejs wrong key uses the default handler", wrongFlags?.getFeatureValue("welcome_banner"), "fallback");

// OpenFeature provider over flagsmith-nodejs.
await OpenFeature.setProviderAndWait(new FlagsmithOpenFeatureProvider(server, { returnValueForDisabledFlags: true, useFlagsmithDefaults: false }));
const client = OpenFeature.getClient();
equal("openfeature boolean", await client.getBooleanValue("welcome_banner", false), true);
equal("openfeature string", await client.getStringValue("welcome_banner", "x", { targetingKey: "of-user" }), "Hello, world");
equal("openfeature number", await client.getNumberValue("max_items", 0), 25);
const missing = await client.getStringDetails("no_such_flag", "the-default");
equal("openfeature missing flag gives the default", [missing.value, missing.errorCode], ["the-default", "FLAG_NOT_FOUND"]);

// The browser SDK: identify with traits, read flags, set a trait, read the round trip.
const browser = createFlagsmithInstance();
await browser.init({ environmentID: CLIENT_KEY, api: API, cacheFlags: false, identity: "conformance-browser", traits: { plan: "free" } });
equal("browser flag value", browser.getValue("welcome_banner"), "Hello, world");
await browser.setTrait("plan", "premium");
equal("browser trait round trip", browser.getTrait("plan"), "premium");
equal("browser trait stored", traitsOf(await rawIdentity("conformance-browser")).plan, "premium");
await browser.logout();

// Local evaluation (server-side key) agrees with remote evaluation for 100 identities.
const local = new Flagsmith({ environmentKey: SERVER_KEY, apiUrl: API, enableLocalEvaluation: true, environmentRefreshIntervalSeconds: 3600 });
await local.getEnvironmentFlags();
const countries = ["DE", "FR", "US", "GB", "ES"];
const plans = ["beta", "premium", "free", "guest"];
let disagreements = [];
for (let i = 0; i < 100; i++) {
  const identifier = i === 0 ? "alice@example.com" : i === 1 ? "007" : `user-${i}`;
  const traits = { country: countries[i % 5], plan: plans[i % 4], logins: i * 7, age: 18 + (i % 50), email_domain: i % 3 ? "example.com" : "other.net" };
  const [remoteFlags, localFlags] = [await server.getIdentityFlags(identifier, traits, true), await local.getIdentityFlags(identifier, traits)];
  for (const flag of remoteFlags.allFlags()) {
    const other = localFlags.getFlag(flag.featureName);
    if (other.enabled !== flag.enabled || other.value !== flag.value) {
      disagreements.push(`${identifier}/${flag.featureName}: remote ${flag.enabled} ${JSON.stringify(flag.value)}, local ${other.enabled} ${JSON.stringify(other.value)}`);
    }
  }
}
check("local evaluation agrees with remote for 100 identities", disagreements.length === 0, disagreements.slice(0, 5).join("; "));
local.close?.();

// Real time: the browser SDK sees a change pushed by the server, with no polling.
// The SDK opens its event stream only where `window` exists, as in a browser.
globalThis.window ??= globalThis;
const realtime = createFlagsmithInstance();
let changedAt = null;
await realtime.init({
  environmentID: CLIENT_KEY,
  api: API,
  cacheFlags: false,
  realtime: true,
  eventSourceUrl: `${BASE_URL}/`,
  onChange: () => { if (changedAt === null && realtime.getValue("welcome_banner") === CHANGED_VALUE) changedAt = Date.now(); },
});
await sleep(500);
const flagFetchesBefore = wire.filter((r) => r.url.includes("/flags/")).length;
execSync(CHANGE_COMMAND, { stdio: "inherit" });
const changeMadeAt = Date.now();
for (let waited = 0; changedAt === null && waited < 10000; waited += 50) await sleep(50);
check("browser realtime sees the change", changedAt !== null, `value is still ${JSON.stringify(realtime.getValue("welcome_banner"))}`);
if (changedAt !== null) console.log(`# change visible ${changedAt - changeMadeAt} ms after the change command returned`);
check("realtime refetched flags once, not by polling", wire.filter((r) => r.url.includes("/flags/")).length - flagFetchesBefore <= 2);
realtime.stopListeningToEvents?.();

server.close?.();
console.log(`${failures === 0 ? "all checks passed" : `${failures} checks failed`}`);
process.exit(failures === 0 ? 0 : 1);
