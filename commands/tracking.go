package commands

import "bytes"

// Client-side caching: CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO.
//
// runnel does not track keys for invalidation. Tracking is off for every
// connection, and these commands give Redis's replies for that state:
// CLIENT TRACKING OFF succeeds, GETREDIR and TRACKINGINFO describe tracking
// off, CACHING fails as Redis fails it outside OPTIN/OPTOUT tracking. CLIENT
// TRACKING ON checks its options as Redis does, with Redis's error texts,
// and then refuses (errTrackingUnsupported) rather than promise
// invalidation messages that would never come: a client caching on that
// promise would serve stale data.

// errTrackingUnsupported is runnel's own refusal of CLIENT TRACKING ON.
const errTrackingUnsupported Error = "ERR runnel does not support client tracking: CLIENT TRACKING ON is refused, caches would never be invalidated"

// trackingArgs are CLIENT TRACKING's parsed options.
type trackingArgs struct {
	on                    bool
	bcast, optin, optout  bool
	prefixes              [][]byte
	redirect, hasRedirect bool
}

// parseTracking parses CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...]
// [BCAST] [OPTIN] [OPTOUT] [NOLOOP] with Redis's checks in Redis's order;
// exists reports whether a client ID is connected (REDIRECT's target; the
// client itself is one, as in Redis).
func parseTracking(args [][]byte, exists func(uint64) bool) (trackingArgs, error) {
	var t trackingArgs
	switch {
	case EqualFold(args[2], "on"):
		t.on = true
	case EqualFold(args[2], "off"):
	default:
		return t, ErrSyntax
	}
	for j := 3; j < len(args); j++ {
		more := j+1 < len(args)
		a := args[j]
		switch {
		case EqualFold(a, "redirect") && more:
			j++
			if t.hasRedirect {
				return t, Error("ERR A client can only redirect to a single other client")
			}
			id, ok := ParseInt(args[j])
			if !ok {
				return t, ErrNotInteger
			}
			if id <= 0 || !exists(uint64(id)) {
				return t, Error("ERR The client ID you want redirect to does not exist")
			}
			t.hasRedirect = true
		case EqualFold(a, "bcast"):
			t.bcast = true
		case EqualFold(a, "optin"):
			t.optin = true
		case EqualFold(a, "optout"):
			t.optout = true
		case EqualFold(a, "noloop"):
		case EqualFold(a, "prefix") && more:
			j++
			t.prefixes = append(t.prefixes, args[j])
		default:
			return t, ErrSyntax
		}
	}
	if !t.on {
		return t, nil
	}
	switch {
	case !t.bcast && len(t.prefixes) > 0:
		return t, Error("ERR PREFIX option requires BCAST mode to be enabled")
	case t.bcast && (t.optin || t.optout):
		return t, Error("ERR OPTIN and OPTOUT are not compatible with BCAST")
	case t.optin && t.optout:
		return t, Error("ERR You can't specify both OPTIN mode and OPTOUT mode")
	}
	for i, p := range t.prefixes {
		for j, q := range t.prefixes {
			if i != j && (bytes.HasPrefix(p, q) || bytes.HasPrefix(q, p)) {
				return t, Error("ERR Prefix '" + string(p) + "' overlaps with another provided prefix '" + string(q) + "'. Prefixes for a single client must not overlap.")
			}
		}
	}
	return t, nil
}

// CLIENT TRACKING ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX
// prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
func clientTrackingCmd(c *Ctx) error {
	t, err := parseTracking(c.Args, func(id uint64) bool { return c.S.clientByID(id) != nil })
	if err != nil {
		return err
	}
	if t.on {
		return errTrackingUnsupported
	}
	c.W.OK()
	return nil
}

// CLIENT CACHING YES|NO: only valid in OPTIN or OPTOUT tracking, which
// runnel never has on.
func clientCachingCmd(c *Ctx) error {
	return Error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
}

// CLIENT GETREDIR: tracking is off, so no redirect (-1).
func clientGetredirCmd(c *Ctx) error {
	c.W.Int(-1)
	return nil
}

// CLIENT TRACKINGINFO: tracking is always off.
func clientTrackinginfoCmd(c *Ctx) error {
	c.W.Map(3)
	c.W.BulkString("flags")
	c.W.Set(1)
	c.W.BulkString("off")
	c.W.BulkString("redirect")
	c.W.Int(-1)
	c.W.BulkString("prefixes")
	c.W.Array(0)
	return nil
}
