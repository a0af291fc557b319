// Copies the front-end assets the app serves into ../FlagDashboard/wwwroot/lib, then writes a stamp file
// that the app's build compares with package-lock.json to know when to run this again.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const lib = join(here, "..", "FlagDashboard", "wwwroot", "lib");

const assets = [
  // apexcharts 4.7.0 is the last MIT release; 5.x forbids embedding in a product others use. Do not upgrade.
  { from: "node_modules/apexcharts/dist/apexcharts.min.js", to: "apexcharts/apexcharts.min.js" },
  { from: "node_modules/apexcharts/dist/apexcharts.css", to: "apexcharts/apexcharts.css" },
  { from: "node_modules/apexcharts/LICENSE", to: "apexcharts/LICENSE" },
];

rmSync(lib, { recursive: true, force: true });
for (const asset of assets) {
  const target = join(lib, asset.to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(here, asset.from), target);
}
writeFileSync(join(lib, ".built"), new Date().toISOString() + "\n");
console.log(`Copied ${assets.length} assets into ${lib}`);
