// Writes every run: block of the given workflow files to OUT/<workflow>.<job>.<step>.sh, each ${{ }} expression
// replaced by underscores of its length (as actionlint does before it calls shellcheck), so that shellcheck reads
// the script bash will run and its columns still match the workflow's.
// Usage: node run-blocks.mjs OUT WORKFLOW.yml...
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import yaml from "js-yaml";

const [out, ...files] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
let count = 0;
for (const file of files) {
  const workflow = yaml.load(readFileSync(file, "utf8"));
  for (const [job, definition] of Object.entries(workflow.jobs ?? {})) {
    (definition.steps ?? []).forEach((step, index) => {
      if (typeof step.run !== "string") return;
      const script = step.run.replace(/\$\{\{.*?\}\}/gs, (expression) => "_".repeat(expression.length));
      // GitHub runs it as: bash --noprofile --norc -eo pipefail {0}
      writeFileSync(`${out}/${basename(file, ".yml")}.${job}.${index + 1}.sh`, `#!/usr/bin/env bash\nset -eo pipefail\n${script}`);
      count++;
    });
  }
}
console.log(`${count} run: blocks`);
