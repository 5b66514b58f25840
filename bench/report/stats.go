package report

import (
	"maps"
	"slices"
	"sort"
)

// Stat summarises the values of one metric over rounds.
type Stat struct {
	N      int
	Median float64
	Min    float64
	Max    float64
}

// Summarize returns the median (the mean of the middle two for an even
// count), min and max of vals; a zero Stat for none.
func Summarize(vals []float64) Stat {
	if len(vals) == 0 {
		return Stat{}
	}
	s := slices.Clone(vals)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Stat{N: len(s), Median: m, Min: s[0], Max: s[len(s)-1]}
}

// Row is one metric of one scenario instance at one pair.
type Row struct {
	Name      string
	Scenario  string
	Metric    string
	Direction Direction
	A, B      Stat // over the rounds where that side succeeded
	Ratio     Stat // A/B over the rounds where both succeeded
}

// Failure is one failed run.
type Failure struct {
	Pair, Name, Label, Side string
	Round                   int
	Error                   string
}

// Table is every figure of one durability pair.
type Table struct {
	Pair           string
	LabelA, LabelB string
	Rows           []Row
	// Failed lists scenario instances with no successful run on some side.
	Failed []string
}

// pairOrder puts the durability pairs in the order of their strength.
func pairOrder(p string) int {
	switch p {
	case "no":
		return 0
	case "everysec":
		return 1
	case "always":
		return 2
	}
	return 3
}

// Build groups results into one Table per pair (ordered no, everysec,
// always, then others by name), with scenario instances in the order they
// first appear and metrics by name. Only Shown metrics get rows.
func Build(results []Result) ([]Table, []Failure) {
	type key struct{ pair, name string }
	type side struct {
		ok    map[int]Result // by round
		tries int
	}
	var pairs []string
	var names []string
	seenName := map[string]bool{}
	byKey := map[key]map[string]*side{} // side "A"/"B"
	labels := map[string][2]string{}
	scenarioOf := map[string]string{}
	var failures []Failure
	for _, r := range results {
		if _, ok := labels[r.Pair]; !ok {
			pairs = append(pairs, r.Pair)
			labels[r.Pair] = [2]string{}
		}
		if !seenName[r.Name] {
			seenName[r.Name] = true
			names = append(names, r.Name)
			scenarioOf[r.Name] = r.Scenario
		}
		l := labels[r.Pair]
		switch r.Side {
		case "A":
			if l[0] == "" {
				l[0] = r.Label
			}
		case "B":
			if l[1] == "" {
				l[1] = r.Label
			}
		}
		labels[r.Pair] = l
		k := key{r.Pair, r.Name}
		if byKey[k] == nil {
			byKey[k] = map[string]*side{"A": {ok: map[int]Result{}}, "B": {ok: map[int]Result{}}}
		}
		s := byKey[k][r.Side]
		if s == nil {
			continue // not part of a comparison
		}
		s.tries++
		if r.OK {
			s.ok[r.Round] = r
		} else {
			failures = append(failures, Failure{Pair: r.Pair, Name: r.Name, Label: r.Label, Side: r.Side, Round: r.Round, Error: r.Error})
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool {
		if pi, pj := pairOrder(pairs[i]), pairOrder(pairs[j]); pi != pj {
			return pi < pj
		}
		return pairs[i] < pairs[j]
	})
	var tables []Table
	for _, p := range pairs {
		t := Table{Pair: p, LabelA: labels[p][0], LabelB: labels[p][1]}
		for _, name := range names {
			sides := byKey[key{p, name}]
			if sides == nil {
				continue
			}
			a, b := sides["A"], sides["B"]
			if len(a.ok) == 0 || len(b.ok) == 0 {
				t.Failed = append(t.Failed, name)
			}
			metrics := map[string]bool{}
			for _, s := range []*side{a, b} {
				for _, r := range s.ok {
					for m := range r.Metrics {
						if Shown(m) {
							metrics[m] = true
						}
					}
				}
			}
			for _, m := range slices.Sorted(maps.Keys(metrics)) {
				row := Row{Name: name, Scenario: scenarioOf[name], Metric: m, Direction: DirectionOf(m)}
				var av, bv, ratios []float64
				for _, r := range slices.Sorted(maps.Keys(a.ok)) {
					if v, ok := a.ok[r].Metrics[m]; ok {
						av = append(av, v)
						if br, ok := b.ok[r]; ok {
							if w, ok := br.Metrics[m]; ok && w != 0 {
								ratios = append(ratios, v/w)
							}
						}
					}
				}
				for _, r := range b.ok {
					if v, ok := r.Metrics[m]; ok {
						bv = append(bv, v)
					}
				}
				row.A, row.B, row.Ratio = Summarize(av), Summarize(bv), Summarize(ratios)
				t.Rows = append(t.Rows, row)
			}
		}
		tables = append(tables, t)
	}
	return tables, failures
}
