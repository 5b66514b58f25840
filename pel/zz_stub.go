package pel

// TEMPORARY: replaced when h/pel merges.
type Groups struct{}
