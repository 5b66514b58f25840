package resp

import "math"

// Redis's fixed protocol limits that are not configuration settings.
const (
	// DefaultMaxBulkLen is Redis's default proto-max-bulk-len (512 MB).
	DefaultMaxBulkLen = 512 << 20
	// DefaultMaxMultibulk is the largest '*' count Redis 7 accepts (INT_MAX).
	// Redis 6 and older refused counts above 1024*1024; Redis 7.0 raised the
	// bound to INT_MAX, which the 7.0.15 oracle confirms.
	DefaultMaxMultibulk = math.MaxInt32
	// DefaultMaxInline is Redis's PROTO_INLINE_MAX_SIZE: the longest inline
	// request, and the longest '*' or '$' header line, without a terminator.
	DefaultMaxInline = 64 << 10

	// unauthMaxMultibulk and unauthMaxBulkLen are the limits Redis applies to
	// a connection that still has to authenticate.
	unauthMaxMultibulk = 10
	unauthMaxBulkLen   = 16384

	// maxSafeBulkLen caps a configured MaxBulkLen so that redcon's
	// "position + length + 2" arithmetic cannot overflow. No client can send
	// 2^62 bytes, so the cap changes no observable behaviour.
	maxSafeBulkLen = 1 << 62
)

// Limits are the protocol limits a Guard enforces. The function handed to
// NewListener is called for every buffer the guard inspects, so a CONFIG SET
// takes effect on the next command the client sends.
type Limits struct {
	// MaxBulkLen is proto-max-bulk-len: a '$' length above it is an
	// "invalid bulk length". Values above 2^62 are treated as 2^62.
	MaxBulkLen int64
	// MaxMultibulk is the largest accepted '*' count; above it the count is
	// an "invalid multibulk length". Values above INT_MAX count as INT_MAX.
	MaxMultibulk int
	// MaxInline is the longest inline request or header line Redis buffers
	// without finding its terminator (PROTO_INLINE_MAX_SIZE).
	MaxInline int
	// AuthRequired reports that the default user has a password
	// (requirepass is set). A connection that has not authenticated is then
	// held to Redis's pre-AUTH limits: at most 10 arguments and bulks of at
	// most 16384 bytes.
	AuthRequired bool
}

// DefaultLimits returns Redis's defaults, with no password set.
func DefaultLimits() Limits {
	return Limits{
		MaxBulkLen:   DefaultMaxBulkLen,
		MaxMultibulk: DefaultMaxMultibulk,
		MaxInline:    DefaultMaxInline,
	}
}

// normalized returns l with out-of-range values replaced: zero or negative
// fields take their defaults, and the caps described on the fields apply.
func (l Limits) normalized() Limits {
	if l.MaxBulkLen <= 0 {
		l.MaxBulkLen = DefaultMaxBulkLen
	}
	if l.MaxBulkLen > maxSafeBulkLen {
		l.MaxBulkLen = maxSafeBulkLen
	}
	if l.MaxMultibulk <= 0 {
		l.MaxMultibulk = DefaultMaxMultibulk
	}
	if l.MaxMultibulk > math.MaxInt32 {
		l.MaxMultibulk = math.MaxInt32
	}
	if l.MaxInline <= 0 {
		l.MaxInline = DefaultMaxInline
	}
	return l
}
