package appcall

import (
	"sync"
	"time"
)

// channelTeamTTL bounds how long the team of a channel is remembered. A
// channel changes team only when a system admin moves it; the user's right
// to read the channel and to view the team is checked on every call, never
// remembered.
const channelTeamTTL = time.Minute

// maxChannelTeams bounds the memory of channelTeams.
const maxChannelTeams = 10000

type channelTeam struct {
	teamID string
	at     time.Time
}

// channelTeams remembers the team of recently used channels, to save one
// server round trip per call.
type channelTeams struct {
	mu sync.Mutex
	m  map[string]channelTeam
}

// channelTeam returns the team of channelID ("" for direct and group
// messages), from memory when it was read in the last channelTeamTTL.
func (s *Service) channelTeam(channelID string) (string, error) {
	now := time.Now()
	t := &s.teams
	t.mu.Lock()
	e, ok := t.m[channelID]
	t.mu.Unlock()
	if ok && now.Sub(e.at) < channelTeamTTL {
		return e.teamID, nil
	}
	ch, err := s.Mattermost.GetChannel(channelID)
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	if t.m == nil || len(t.m) >= maxChannelTeams {
		t.m = map[string]channelTeam{}
	}
	t.m[channelID] = channelTeam{teamID: ch.TeamId, at: now}
	t.mu.Unlock()
	return ch.TeamId, nil
}
