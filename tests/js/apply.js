// Evaluates [logic, data] pairs with json-logic-js: node apply.js < pairs.json > results.json
// (tests/acceptance/test_export.py checks that the JsonLogic the export writes means the same here as in
// this program's engine). A pair the engine throws on gives {"error": message}.
"use strict";
const fs = require("fs");
const jsonLogic = require("json-logic-js");

const pairs = JSON.parse(fs.readFileSync(0, "utf8"));
const results = pairs.map(([logic, data]) => {
  try {
    const value = jsonLogic.apply(logic, data);
    return value === undefined ? { undefined: true } : value;
  } catch (error) {
    return { error: String(error.message || error) };
  }
});
process.stdout.write(JSON.stringify(results) + "\n");
