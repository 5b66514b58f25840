//go:build !race

package durability

const raceEnabled = false
