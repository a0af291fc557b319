// Checks what `kubectl kustomize deploy/kubernetes/overlays/OVERLAY` rendered:
//   node check.mjs OVERLAY RENDERED.yaml
// - every object validates against the Kubernetes schemas (kubernetes-models: types, required fields, formats);
// - every pod is hardened (non-root, read-only root, no privilege escalation, no capabilities, seccomp RuntimeDefault)
//   and sized (requests and limits);
// - the app's pods have the probes, the preStop and the grace period, and a stable usage `instance` tag;
// - references hold (ConfigMaps, Services, selectors, the autoscaler's target), and the overlay's own rules.
// Prints "ok: ..." lines and "secret: NAME KEY" for every Secret the user must create; exits 1 listing every problem.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

const [overlay, file] = process.argv.slice(2);
if (!overlay || !file) {
  console.error("usage: node check.mjs OVERLAY RENDERED.yaml");
  process.exit(2);
}

const objects = yaml.loadAll(readFileSync(file, "utf8")).filter(Boolean);
const problems = [];
let reported = 0;
// A section's line is printed only when the section found nothing wrong.
const ok = (line) => {
  if (problems.length === reported) console.log(`ok: ${line}`);
  reported = problems.length;
};
const fail = (where, what) => problems.push(`${where}: ${what}`);
const idOf = (o) => `${o.kind}/${o.metadata?.name}`;
const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
const labelsMatch = (selector, labels) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value) && Object.keys(selector ?? {}).length > 0;

// 1. The Kubernetes schemas.
for (const object of objects) {
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : [null, object.apiVersion];
  const module = await import(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`).catch(() => null);
  const Model = module?.[object.kind];
  if (!Model) {
    fail(idOf(object), `no schema for ${object.apiVersion} ${object.kind}`);
    continue;
  }

  try {
    new Model(object).validate();
  } catch (error) {
    fail(idOf(object), `schema: ${error.message}`);
  }
}
ok(`${objects.length} objects validate against the Kubernetes schemas (${[...new Set(objects.map((o) => o.kind))].join(", ")})`);

// 2. Every pod: hardened and sized.
const workloads = objects.filter((o) => ["Deployment", "StatefulSet", "Job", "Pod"].includes(o.kind));
const podSpec = (o) => (o.kind === "Pod" ? o.spec : o.spec?.template?.spec);
const podLabels = (o) => (o.kind === "Pod" ? o.metadata?.labels : o.spec?.template?.metadata?.labels);
const secrets = new Map();
for (const workload of workloads) {
  const where = idOf(workload);
  const pod = podSpec(workload);
  const podContext = pod.securityContext ?? {};
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) fail(where, "uses the host's namespaces");
  if (pod.automountServiceAccountToken !== false) fail(where, "mounts a service account token it does not need");
  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
    const at = `${where} container ${container.name}`;
    const context = container.securityContext ?? {};
    if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true) fail(at, "runAsNonRoot is not true");
    const uid = context.runAsUser ?? podContext.runAsUser;
    if (uid === undefined || uid === 0) fail(at, `runs as uid ${uid ?? "(the image's)"}, not a fixed non-root uid`);
    if (context.readOnlyRootFilesystem !== true) fail(at, "readOnlyRootFilesystem is not true");
    if (context.allowPrivilegeEscalation !== false) fail(at, "allowPrivilegeEscalation is not false");
    if (context.privileged === true) fail(at, "is privileged");
    if (!(context.capabilities?.drop ?? []).includes("ALL")) fail(at, "does not drop ALL capabilities");
    if ((context.capabilities?.add ?? []).length > 0) fail(at, `adds capabilities ${context.capabilities.add}`);
    if ((context.seccompProfile ?? podContext.seccompProfile)?.type !== "RuntimeDefault") fail(at, "seccomp profile is not RuntimeDefault");
    for (const kind of ["requests", "limits"]) {
      for (const resource of ["cpu", "memory"]) {
        if (!container.resources?.[kind]?.[resource]) fail(at, `no ${resource} in resources.${kind}`);
      }
    }
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.secretKeyRef;
      if (ref) secrets.set(`${ref.name} ${ref.key}`, ref.optional === true);
      if (env.valueFrom?.configMapKeyRef && !find("ConfigMap", env.valueFrom.configMapKeyRef.name)) fail(at, `ConfigMap ${env.valueFrom.configMapKeyRef.name} is not rendered`);
    }
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef && !find("ConfigMap", from.configMapRef.name)) fail(at, `ConfigMap ${from.configMapRef.name} is not rendered`);
    }
    const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
    for (const mount of container.volumeMounts ?? []) {
      if (!volumes.has(mount.name) && !(workload.spec?.volumeClaimTemplates ?? []).some((t) => t.metadata.name === mount.name)) {
        fail(at, `mounts ${mount.name}, which no volume defines`);
      }
    }
  }
}
ok(`every pod (${workloads.map(idOf).join(", ")}) runs as a fixed non-root uid with a read-only root filesystem, no privilege escalation, ` +
  "all capabilities dropped, seccomp RuntimeDefault, and cpu and memory requests and limits");

// 3. The app's pods.
const apps = workloads.filter((o) => podLabels(o)?.["app.kubernetes.io/component"] === "app");
if (apps.length !== 1) fail(overlay, `expected one app workload, found ${apps.length}`);
const app = apps[0];
const appPod = podSpec(app);
const appContainer = appPod.containers.find((c) => c.name === "flagdashboard");
const env = (name) => appContainer?.env?.find((e) => e.name === name);
const configMap = find("ConfigMap", appContainer?.envFrom?.[0]?.configMapRef?.name)?.data ?? {};
if (appContainer.readinessProbe?.httpGet?.path !== "/health") fail(idOf(app), "the readiness probe does not read /health");
if (!appContainer.livenessProbe?.httpGet?.path?.startsWith("/health")) fail(idOf(app), "the liveness probe does not read /health/...");
if (!appContainer.startupProbe?.httpGet?.path?.startsWith("/health")) fail(idOf(app), "no startup probe on /health/... (a long migration would fail liveness)");
const preStop = appContainer.lifecycle?.preStop;
if (!preStop) fail(idOf(app), "no preStop hook");
const preStopSeconds = Number(preStop?.exec?.command?.at(-1) ?? preStop?.sleep?.seconds ?? 0);
// The app's shutdown timeout (30 s, the .NET default) covers its last usage flush; the grace period counts the preStop too.
if ((appPod.terminationGracePeriodSeconds ?? 30) < preStopSeconds + 30 + 5) {
  fail(idOf(app), `terminationGracePeriodSeconds ${appPod.terminationGracePeriodSeconds} leaves less than 30 s after the ${preStopSeconds} s preStop`);
}
const memoryLimit = appContainer.resources?.limits?.memory;
const mebibytes = (quantity) => Number(String(quantity).replace(/Mi$/, "").replace(/Gi$/, "000"));
if (mebibytes(appContainer.resources?.requests?.memory) < 212) fail(idOf(app), "memory request below the 212 MiB measured under load");
if (mebibytes(memoryLimit) < 2 * 212) fail(idOf(app), "memory limit leaves no headroom over the 212 MiB measured");
const instance = env("Usage__InfluxDB__Instance");
if (!instance) fail(idOf(app), "Usage__InfluxDB__Instance is not set (the default, the machine name, is the pod's random name)");
if (instance?.valueFrom?.fieldRef?.fieldPath === "metadata.name" && app.kind !== "StatefulSet") {
  fail(idOf(app), "the usage instance tag is the pod's name, which only a StatefulSet keeps across restarts");
}
if (instance?.valueFrom && instance.valueFrom.fieldRef?.fieldPath !== "metadata.name") fail(idOf(app), "the usage instance tag comes from a value that changes per pod");
ok(`${idOf(app)}: readiness on /health, liveness and startup on ${appContainer.livenessProbe?.httpGet?.path}, a ${preStopSeconds} s preStop, ` +
  `${appPod.terminationGracePeriodSeconds} s to stop, memory ${appContainer.resources.requests.memory} requested and ${memoryLimit} at most, ` +
  `usage instance ${instance?.value ?? instance?.valueFrom?.fieldRef?.fieldPath}`);

// 4. References: Services, the autoscaler, the disruption budget, the ingress backends.
for (const service of objects.filter((o) => o.kind === "Service")) {
  const target = workloads.find((w) => w.kind !== "Job" && labelsMatch(service.spec.selector, podLabels(w)));
  if (!target) fail(idOf(service), "selects no pods");
  for (const port of service.spec.ports) {
    const pod = target && podSpec(target);
    if (typeof port.targetPort === "string" && !pod?.containers.some((c) => (c.ports ?? []).some((p) => p.name === port.targetPort))) {
      fail(idOf(service), `targetPort ${port.targetPort} names no container port`);
    }
  }
}
for (const ingress of objects.filter((o) => o.kind === "Ingress")) {
  for (const path of ingress.spec.rules.flatMap((r) => r.http.paths)) {
    if (!find("Service", path.backend.service.name)) fail(idOf(ingress), `backend ${path.backend.service.name} is not rendered`);
  }
}
ok("Services select pods and name their ports; Ingress backends exist");

// 5. The overlay's own rules.
if (overlay === "single") {
  if (app.kind !== "Deployment" || app.spec.replicas !== 1) fail(idOf(app), "is not a one-replica Deployment");
  if (app.spec.strategy?.type !== "Recreate") fail(idOf(app), "strategy is not Recreate (SQLite must never have two writers)");
  const data = appPod.volumes.find((v) => v.name === appContainer.volumeMounts.find((m) => m.mountPath === "/data")?.name);
  if (!data?.persistentVolumeClaim || !find("PersistentVolumeClaim", data.persistentVolumeClaim.claimName)) fail(idOf(app), "/data is not the rendered PersistentVolumeClaim");
  if ((configMap.Database__Provider ?? "Sqlite") !== "Sqlite" || (configMap.Usage__Store ?? "Embedded") !== "Embedded") fail(idOf(app), "not SQLite with the embedded usage store");
  ok(`single: one replica, Recreate, SQLite and the embedded usage store on PersistentVolumeClaim ${data?.persistentVolumeClaim?.claimName} at /data`);
} else if (overlay === "scaled") {
  if (app.kind !== "StatefulSet") fail(idOf(app), "is not a StatefulSet (stable pod names for the usage instance tag)");
  if (configMap.Database__Provider !== "Postgres" || configMap.Usage__Store !== "InfluxDB") fail(idOf(app), "not PostgreSQL and InfluxDB");
  if (!env("ConnectionStrings__FlagDashboard")?.valueFrom?.secretKeyRef) fail(idOf(app), "the connection string is not read from a Secret");
  if (!env("Usage__InfluxDB__Token")?.valueFrom?.secretKeyRef) fail(idOf(app), "the InfluxDB token is not read from a Secret");
  if (Object.keys(configMap).some((key) => /password|token|connectionstring/i.test(key))) fail(idOf(app), "a secret in the ConfigMap");
  const jobs = workloads.filter((w) => w.kind === "Job");
  const migrate = jobs.find((j) => podSpec(j).containers.some((c) => (c.args ?? c.command ?? []).includes("migrate")));
  if (!migrate) fail(overlay, "no migration Job");
  if (migrate && podSpec(migrate).containers[0].image !== appContainer.image) fail(idOf(migrate), "runs another image than the app");
  const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler");
  if (!hpa || hpa.spec.scaleTargetRef.kind !== app.kind || hpa.spec.scaleTargetRef.name !== app.metadata.name) fail(overlay, "no HorizontalPodAutoscaler on the app");
  if (hpa && hpa.spec.minReplicas < 2) fail(idOf(hpa), "fewer than 2 replicas");
  if (app.spec.replicas !== undefined) fail(idOf(app), "sets replicas, which every apply would reset under the autoscaler");
  const pdb = objects.find((o) => o.kind === "PodDisruptionBudget");
  if (!pdb || !labelsMatch(pdb.spec.selector.matchLabels, podLabels(app))) fail(overlay, "no PodDisruptionBudget for the app's pods");
  const ingresses = objects.filter((o) => o.kind === "Ingress");
  const sticky = ingresses.filter((i) => i.metadata.annotations?.["nginx.ingress.kubernetes.io/affinity"] === "cookie");
  const paths = (i) => i.spec.rules.flatMap((r) => r.http.paths);
  const services = (list) => new Set(list.flatMap(paths).map((p) => p.backend.service.name));
  if (!sticky.some((i) => paths(i).some((p) => p.path === "/"))) fail(overlay, "the dashboard's Ingress is not sticky");
  const sdk = ingresses.filter((i) => paths(i).some((p) => p.path.startsWith("/api/v1")));
  if (sdk.length === 0 || sdk.some((i) => sticky.includes(i))) fail(overlay, "the SDK routes are not on an unsticky Ingress");
  if ([...services(sdk)].some((s) => services(sticky).has(s))) fail(overlay, "the SDK Ingress shares a backend Service with the sticky one (ingress-nginx would make it sticky)");
  ok(`scaled: ${idOf(app)} on PostgreSQL and InfluxDB with Secrets, ${migrate && idOf(migrate)}, autoscaler ${hpa?.spec.minReplicas}-${hpa?.spec.maxReplicas}, ` +
    `disruption budget, sticky dashboard Ingress and unsticky SDK Ingress`);
} else {
  fail(overlay, "unknown overlay");
}

for (const [secret, optional] of [...secrets].sort()) {
  console.log(`secret: ${secret}${optional ? " optional" : ""}`);
}

if (problems.length > 0) {
  console.error(problems.map((p) => `problem: ${p}`).join("\n"));
  process.exit(1);
}
