// Prints the test classes that took longest in an xunit TRX report: for each class, the time from its first
// test's start to its last test's end (what it held the run for, its fixtures' set-up inside it) and the sum of
// its tests' own durations. Usage: node scripts/slowest-test-classes.mjs report.trx [how many, default 15]
import { readFileSync } from "node:fs";

const [report, shown = "15"] = process.argv.slice(2);
const xml = readFileSync(report, "utf8");
const classes = new Map();
for (const [, attributes] of xml.matchAll(/<UnitTestResult\s([^>]*)>/g)) {
  const field = (name) => attributes.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1];
  const testName = field("testName") ?? "";
  const className = testName.replace(/\(.*$/s, "").replace(/\.[^.]+$/, "");
  const [start, end] = [Date.parse(field("startTime")), Date.parse(field("endTime"))];
  const [h, m, s] = (field("duration") ?? "0:0:0").split(":").map(Number);
  const entry = classes.get(className) ?? { first: start, last: end, own: 0, tests: 0 };
  entry.first = Math.min(entry.first, start);
  entry.last = Math.max(entry.last, end);
  entry.own += (h * 3600 + m * 60 + s) * 1000;
  entry.tests += 1;
  classes.set(className, entry);
}

const seconds = (ms) => (ms / 1000).toFixed(0).padStart(5);
console.log(`Slowest test classes (of ${classes.size}): first start to last end, and the tests' own time`);
[...classes.entries()]
  .sort(([, a], [, b]) => (b.last - b.first) - (a.last - a.first))
  .slice(0, Number(shown))
  .forEach(([name, c]) => console.log(`${seconds(c.last - c.first)} s ${seconds(c.own)} s  ${String(c.tests).padStart(3)} tests  ${name.replace(/^FlagDashboard\.Tests\./, "")}`));
