package apps

import (
	"errors"
	"fmt"
)

// Subject is what a subscription watches (the Apps framework v1.2 subjects).
type Subject string

// The subjects apps may subscribe to, with their scope.
const (
	// SubjectUserCreated: every new user. No team or channel.
	SubjectUserCreated Subject = "user_created"
	// SubjectUserJoinedChannel, SubjectUserLeftChannel: with a channel,
	// anyone joining or leaving it; without, the subscriber themselves
	// joining or leaving any channel. No team.
	SubjectUserJoinedChannel Subject = "user_joined_channel"
	SubjectUserLeftChannel   Subject = "user_left_channel"
	// SubjectUserJoinedTeam, SubjectUserLeftTeam: with a team, anyone
	// joining or leaving it; without, the subscriber themselves. No
	// channel.
	SubjectUserJoinedTeam Subject = "user_joined_team"
	SubjectUserLeftTeam   Subject = "user_left_team"
	// The app's bot joining or leaving channels and teams (deprecated in
	// v1.2 in favour of the user_* subjects without a scope). Only the
	// app's bot may subscribe. No team or channel.
	SubjectBotJoinedChannel Subject = "bot_joined_channel"
	SubjectBotLeftChannel   Subject = "bot_left_channel"
	SubjectBotJoinedTeam    Subject = "bot_joined_team"
	SubjectBotLeftTeam      Subject = "bot_left_team"
	// SubjectChannelCreated: new channels of a team (required). No channel.
	SubjectChannelCreated Subject = "channel_created"
)

// Event is what a subscription watches: a subject and its scope.
type Event struct {
	Subject   Subject `json:"subject"`
	ChannelID string  `json:"channel_id,omitempty"`
	TeamID    string  `json:"team_id,omitempty"`
}

// Subscription is an app's request to be called on an event.
type Subscription struct {
	Event
	// Call is made, as the subscribing user, when the event happens.
	Call Call `json:"call"`
}

// ErrInvalidSubscription is wrapped by Validate's errors.
var ErrInvalidSubscription = errors.New("invalid subscription")

// Validate checks the subject and that the scope fits it.
func (e Event) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidSubscription, fmt.Sprintf(format, args...))
	}
	switch e.Subject {
	case "":
		return bad("subject is required")
	case SubjectUserCreated, SubjectBotJoinedChannel, SubjectBotLeftChannel, SubjectBotJoinedTeam, SubjectBotLeftTeam:
		if e.TeamID != "" || e.ChannelID != "" {
			return bad("%s is not scoped: team_id and channel_id must be empty", e.Subject)
		}
	case SubjectUserJoinedChannel, SubjectUserLeftChannel:
		if e.TeamID != "" {
			return bad("%s is scoped to a channel or to the subscriber: team_id must be empty", e.Subject)
		}
	case SubjectUserJoinedTeam, SubjectUserLeftTeam:
		if e.ChannelID != "" {
			return bad("%s is scoped to a team or to the subscriber: channel_id must be empty", e.Subject)
		}
	case SubjectChannelCreated:
		if e.TeamID == "" || e.ChannelID != "" {
			return bad("%s is scoped to a team: team_id is required and channel_id must be empty", e.Subject)
		}
	default:
		return bad("unknown subject %q (known: user_created, user_joined_channel, user_left_channel, user_joined_team, user_left_team, bot_joined_channel, bot_left_channel, bot_joined_team, bot_left_team, channel_created)", e.Subject)
	}
	for _, id := range []string{e.ChannelID, e.TeamID} {
		if id != "" && !isID(id) {
			return bad("%q is not a Mattermost ID (26 lowercase letters and digits)", id)
		}
	}
	return nil
}

// Scope is the subscription's channel or team ID, "" when unscoped.
func (e Event) Scope() string {
	if e.ChannelID != "" {
		return e.ChannelID
	}
	return e.TeamID
}

// Validate checks the event and that there is a call to make.
func (s Subscription) Validate() error {
	if err := s.Event.Validate(); err != nil {
		return err
	}
	if s.Call.Path == "" {
		return fmt.Errorf("%w: call.path is required", ErrInvalidSubscription)
	}
	return nil
}

func isID(s string) bool {
	if len(s) != 26 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
