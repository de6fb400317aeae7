// Applies every check of an export to facts documents with json-logic-js, a JsonLogic engine
// independent of this program's (tests/acceptance/test_export.py). Usage:
//   node run.js EXPORT_DIR < documents.jsonl > answers.jsonl
// Each input line is one facts document (`eligibility check PROFILE --facts`); each output line
// maps every check's key (CHECK@VERSION, from manifest.json) to what the engine answered.
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const jsonLogic = require("json-logic-js");

const dir = process.argv[2];
const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
const checks = manifest.checks.map((check) => [
  check.key,
  JSON.parse(fs.readFileSync(path.join(dir, check.file), "utf8")),
]);

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  if (!line.trim()) return;
  const facts = JSON.parse(line);
  const answers = {};
  for (const [key, logic] of checks) answers[key] = jsonLogic.apply(logic, facts);
  process.stdout.write(JSON.stringify(answers) + "\n");
});
