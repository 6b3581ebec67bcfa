// Validates a list with ajv 8 against the repository's schema: what a Node.js maintainer would script.
import { readFileSync } from "node:fs";
import Ajv from "ajv";

const [schemaPath, listPath] = process.argv.slice(2);
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
const list = JSON.parse(readFileSync(listPath, "utf8"));
const valid = validate(list);
console.log(`${listPath}: ${Object.keys(list.policies ?? {}).length} domains: ${valid ? 0 : validate.errors.length} schema errors`);
process.exit(valid ? 0 : 1);
