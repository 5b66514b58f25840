//go:build race

package durability

// raceEnabled is true when the tests run with -race; runnel is then built
// with -race too, so a data race under crash load fails the test.
const raceEnabled = true
