package apps

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEventValidate(t *testing.T) {
	const ch, team = "aaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbb"
	tests := []struct {
		e     Event
		valid bool
	}{
		{Event{Subject: SubjectUserCreated}, true},
		{Event{Subject: SubjectUserCreated, TeamID: team}, false},
		{Event{Subject: SubjectUserJoinedChannel}, true},
		{Event{Subject: SubjectUserJoinedChannel, ChannelID: ch}, true},
		{Event{Subject: SubjectUserLeftChannel, TeamID: team}, false},
		{Event{Subject: SubjectUserJoinedTeam, TeamID: team}, true},
		{Event{Subject: SubjectUserLeftTeam}, true},
		{Event{Subject: SubjectUserLeftTeam, ChannelID: ch}, false},
		{Event{Subject: SubjectBotJoinedChannel}, true},
		{Event{Subject: SubjectBotLeftTeam, TeamID: team}, false},
		{Event{Subject: SubjectChannelCreated, TeamID: team}, true},
		{Event{Subject: SubjectChannelCreated}, false},
		{Event{Subject: SubjectChannelCreated, TeamID: team, ChannelID: ch}, false},
		{Event{Subject: SubjectUserJoinedChannel, ChannelID: "short"}, false},
		{Event{Subject: SubjectUserJoinedChannel, ChannelID: "AAAAAAAAAAAAAAAAAAAAAAAAAA"}, false},
		{Event{Subject: "post_created"}, false},
		{Event{}, false},
	}
	for _, tt := range tests {
		err := tt.e.Validate()
		if tt.valid {
			assert.NoError(t, err, "%+v", tt.e)
		} else {
			assert.True(t, errors.Is(err, ErrInvalidSubscription), "%+v: %v", tt.e, err)
		}
	}
}
