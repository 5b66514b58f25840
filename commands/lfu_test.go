package commands

import "testing"

func TestLFUDecay(t *testing.T) {
	const minute = 60000
	cases := []struct {
		name             string
		freq             uint8
		at               uint16
		nowMs, decayTime int64
		want             uint8
	}{
		{"same minute", 10, 0, 59999, 1, 10},
		{"one period", 10, 0, minute, 1, 9},
		{"three periods of two minutes", 10, 0, 7 * minute, 2, 7},
		{"decays to zero, not below", 3, 0, 100 * minute, 1, 0},
		{"decay off", 10, 0, 100 * minute, 0, 10},
		// The stamp is minutes modulo 2^16: 65535 -> 2 is three minutes.
		{"stamp wraps", 10, 65535, 65538 * minute, 1, 7},
	}
	for _, c := range cases {
		o := &Object{freq: c.freq, freqAt: c.at}
		if got := o.lfuDecayed(c.nowMs, c.decayTime); got != c.want {
			t.Errorf("%s: lfuDecayed = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestLFUTouch(t *testing.T) {
	o := &Object{}
	o.lfuStart(0)
	if o.freq != lfuInitVal {
		t.Fatalf("new key's counter %d, want %d", o.freq, lfuInitVal)
	}
	o.lfuTouch(0, 10, 1)
	if o.freq != lfuInitVal+1 {
		t.Fatalf("first access: counter %d, want %d (certain below the initial value + 1)", o.freq, lfuInitVal+1)
	}
	// Further rises get rarer: 10,000 accesses with log factor 10 leave
	// the counter far below 255, with log factor 0 every access counts.
	for range 10000 {
		o.lfuTouch(0, 10, 1)
	}
	if o.freq < 30 || o.freq > 80 {
		t.Errorf("after 10,000 accesses (log factor 10): counter %d, want a logarithmic 30..80 (about 50)", o.freq)
	}
	o.freq = 250
	for range 10 {
		o.lfuTouch(0, 0, 1)
	}
	if o.freq != 255 {
		t.Errorf("log factor 0: counter %d, want it to stop at 255", o.freq)
	}
	// A touch applies the decay due first and restamps.
	o.freq, o.freqAt = 20, 0
	o.lfuTouch(5*60000, 1<<30, 1)
	if o.freq != 15 || o.freqAt != 5 {
		t.Errorf("touch after 5 idle minutes: counter %d at minute %d, want 15 at 5", o.freq, o.freqAt)
	}
}
