package glob

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		p, s   string
		nocase bool
		want   bool
	}{
		{"*", "anything", false, true},
		{"*", "", false, false}, // stringmatchlen: no byte to match against
		{"", "", false, true},
		{"h?llo", "hello", false, true},
		{"h?llo", "hllo", false, false},
		{"h*llo", "heeeello", false, true},
		{"h[ae]llo", "hallo", false, true},
		{"h[ae]llo", "hillo", false, false},
		{"h[^e]llo", "hallo", false, true},
		{"h[^e]llo", "hello", false, false},
		{"h[a-b]llo", "hbllo", false, true},
		{"h[b-a]llo", "hallo", false, true}, // bounds in either order
		{`h\*llo`, "h*llo", false, true},
		{`h\*llo`, "hello", false, false},
		{"news.*", "news.art", false, true},
		{"news.*", "sport.art", false, false},
		{"__keyevent@0__:*", "__keyevent@0__:xadd", false, true},
		{"HELLO", "hello", true, true},
		{"HELLO", "hello", false, false},
		{"[A-Z]", "q", true, true},
		{"a[", "a[", false, false},
		{"a[b", "ab", false, true}, // an open set ends at the pattern's end
		{"**a", "ba", false, true},
		{"a*b*c", "aXXbYYc", false, true},
		{"a*b*c", "aXXbYY", false, false},
	}
	for _, tc := range tests {
		if got := Match([]byte(tc.p), []byte(tc.s), tc.nocase); got != tc.want {
			t.Errorf("Match(%q, %q, %v) = %v, want %v", tc.p, tc.s, tc.nocase, got, tc.want)
		}
	}
}

// TestMatchDeepStars checks that a pathological pattern ends quickly and
// that nesting past Redis's limit matches nothing.
func TestMatchDeepStars(t *testing.T) {
	p := make([]byte, 0, 4000)
	for i := 0; i < 2000; i++ {
		p = append(p, 'a', '*')
	}
	s := make([]byte, 3000)
	for i := range s {
		s[i] = 'a'
	}
	if Match(p, s, false) {
		t.Fatal("a pattern nested past 1000 stars matched")
	}
	if !Match([]byte("a*a*a*a*a*a*a*a*b"), append(s[:100:100], 'b'), false) {
		t.Fatal("a*...*b did not match a...ab")
	}
}
