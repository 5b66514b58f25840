// Package report defines the benchmark tool's result line and turns a file
// of them into the figures section of the benchmark document.
//
// Every scenario run prints one Result as a single JSON line. A comparison
// run (bench/compare.sh) collects those lines from both sides — A (runnel)
// and B (redis-server) — for several rounds at each durability pair;
// Build groups them into per-pair tables of medians, min–max and per-round
// A/B ratios, Targets checks the ratios against the goals, and Render
// writes Markdown that Splice puts between the document's result markers,
// leaving the hand-written method text around them untouched.
//
// Metric names carry their meaning in their suffix (see DirectionOf):
// "_per_sec" is a rate, higher is better; "_us", "_ms" and "_s" are times
// and "_bytes" and "_per_entry" sizes, lower is better; any other name is
// informational and is not compared.
package report
