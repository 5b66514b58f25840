// Package persist makes runnel's writes durable. The commands layer records
// each write command's effects as a Batch of logical Ops and hands it to a
// Store before replying; this package alone knows how those ops map onto
// Pebble keys. The key layout is written down in layout.go once the Pebble
// store exists.
package persist
