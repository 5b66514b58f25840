package pel

import "errors"

// The outcomes of pel operations. None is a Redis error text: the command
// layer maps them to Redis's replies (BUSYGROUP, NOGROUP, an empty claim...).
var (
	// ErrGroupExists is returned by Groups.Create when the stream already
	// has a group of that name (Redis's BUSYGROUP).
	ErrGroupExists = errors.New("pel: group exists")
	// ErrGroupDestroyed is returned when an operation is given a group that
	// was destroyed: the caller held on to it across a wait.
	ErrGroupDestroyed = errors.New("pel: group was destroyed")
	// ErrConsumerExists is returned by Group.LoadConsumer when the group
	// already has a consumer of that name.
	ErrConsumerExists = errors.New("pel: consumer exists")
	// ErrNotMember is returned when an operation is given a consumer that
	// is not (or no longer) a consumer of the group.
	ErrNotMember = errors.New("pel: consumer is not in this group")
	// ErrNotPending is returned by Claim without Force, and by Redeliver,
	// when the entry is not pending in the group.
	ErrNotPending = errors.New("pel: entry is not pending")
	// ErrAlreadyPending is returned by Group.LoadPending when the entry
	// already has a pending record.
	ErrAlreadyPending = errors.New("pel: entry is already pending")
	// ErrTooRecent is returned by Claim when the entry's idle time is below
	// the requested minimum; Redis skips such entries silently.
	ErrTooRecent = errors.New("pel: entry was delivered too recently")
	// ErrNackPlace is returned by Group.LoadNacked for a place in the NACK
	// queue that is 0 or taken by another record.
	ErrNackPlace = errors.New("pel: NACK queue place is 0 or taken")
)
