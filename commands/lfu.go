package commands

import "math/rand/v2"

// Access frequency, as Redis keeps it for OBJECT FREQ under an LFU
// maxmemory-policy: a logarithmic counter that a lookup raises with a
// probability falling as it grows (lfu-log-factor) and that loses one
// for every lfu-decay-time minutes without access. runnel evicts nothing,
// but tools that look for hot keys read the counter.

// lfuInitVal is a new key's counter, so that a key just created is not
// the coldest at once.
const lfuInitVal = 5

// lfuMinutes is the time in minutes modulo 2^16 that the counter's last
// decrement is stamped with.
func lfuMinutes(nowMs int64) uint16 { return uint16(nowMs / 60000) }

// lfuStart gives o a new key's counter.
func (o *Object) lfuStart(nowMs int64) {
	o.freq, o.freqAt = lfuInitVal, lfuMinutes(nowMs)
}

// lfuDecayed returns o's counter after the decay due by nowMs, without
// storing it.
func (o *Object) lfuDecayed(nowMs, decayTime int64) uint8 {
	if decayTime <= 0 {
		return o.freq
	}
	elapsed := int64(lfuMinutes(nowMs) - o.freqAt) // wraps like the stamp
	periods := elapsed / decayTime
	if periods >= int64(o.freq) {
		return 0
	}
	return o.freq - uint8(periods)
}

// lfuTouch counts an access to o: the decay due first, then a rise by one
// with probability 1/((counter-lfuInitVal)*logFactor+1).
func (o *Object) lfuTouch(nowMs, logFactor, decayTime int64) {
	f := o.lfuDecayed(nowMs, decayTime)
	if f < 255 {
		base := max(int64(f)-lfuInitVal, 0)
		if rand.Float64() < 1/float64(base*logFactor+1) {
			f++
		}
	}
	o.freq, o.freqAt = f, lfuMinutes(nowMs)
}
