package commands

import "strconv"

// LimitClients caps maxclients at max, the most clients the process's
// file-descriptor limit leaves room for (the caller computes it, as Redis
// does at start-up: the limit minus the descriptors the server keeps for
// its own files). A maxclients above max is lowered to max, and LimitClients
// returns the value it had and true, for the caller to warn; from then on
// CONFIG SET maxclients above max fails with Redis's error ("The operating
// system is not able to handle the specified number of clients, try with
// max"), rather than let a burst of clients exhaust the descriptors: a
// client over maxclients gets "-ERR max number of clients reached", one
// over the descriptor limit would get nothing. max <= 0 removes the cap.
// Call it before Serve; it is safe for concurrent use.
func (s *Server) LimitClients(max int) (was int, lowered bool) {
	if max <= 0 {
		s.config.fdMaxClients.Store(0)
		return s.config.maxClients(), false
	}
	s.config.fdMaxClients.Store(int64(max))
	for {
		cur := s.config.maxclients.Load()
		if cur <= int64(max) {
			return int(cur), false
		}
		if s.config.maxclients.CompareAndSwap(cur, int64(max)) {
			return int(cur), true
		}
	}
}

// settableMaxclients refuses a maxclients the file-descriptor limit has no
// room for (see LimitClients), with Redis's text.
func settableMaxclients(s *Server, v string) string {
	limit := s.config.fdMaxClients.Load()
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && limit > 0 && n > limit {
		return "The operating system is not able to handle the specified number of clients, try with " + strconv.FormatInt(limit, 10)
	}
	return ""
}
