package subscriptions

import (
	"context"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// Apps gives the installed apps (store.Apps).
type Apps interface {
	Get(id apps.AppID) (*store.InstalledApp, error)
}

// Calls calls apps (appcall.Service.Call: a call the plugin makes on the
// subscriber's behalf, expanded as them).
type Calls interface {
	Call(ctx context.Context, app *store.InstalledApp, creq *apps.CallRequest, actingUserID string) (*apps.CallResponse, error)
}

// Channels reads channels (for the team of a channel event).
type Channels interface {
	GetChannel(channelID string) (*model.Channel, error)
}

// happening is an event the server reported through a hook.
type happening struct {
	subject    apps.Subject
	botSubject apps.Subject // the bot_* subject for a bot's join or leave, "" for none
	scope      string       // the channel or team the event is about (subjects with scopes)
	channelID  string
	teamID     string
	userID     string // the user the event is about
}

// UserCreated reports a new user (hook UserHasBeenCreated).
func (s *Service) UserCreated(userID string) {
	s.enqueue(happening{subject: apps.SubjectUserCreated, userID: userID})
}

// UserChannel reports a user joining or leaving a channel (hooks
// UserHasJoinedChannel, UserHasLeftChannel).
func (s *Service) UserChannel(m *model.ChannelMember, joined bool) {
	h := happening{subject: apps.SubjectUserLeftChannel, botSubject: apps.SubjectBotLeftChannel,
		scope: m.ChannelId, channelID: m.ChannelId, userID: m.UserId}
	if joined {
		h.subject, h.botSubject = apps.SubjectUserJoinedChannel, apps.SubjectBotJoinedChannel
	}
	s.enqueue(h)
}

// UserTeam reports a user joining or leaving a team (hooks
// UserHasJoinedTeam, UserHasLeftTeam).
func (s *Service) UserTeam(m *model.TeamMember, joined bool) {
	h := happening{subject: apps.SubjectUserLeftTeam, botSubject: apps.SubjectBotLeftTeam,
		scope: m.TeamId, teamID: m.TeamId, userID: m.UserId}
	if joined {
		h.subject, h.botSubject = apps.SubjectUserJoinedTeam, apps.SubjectBotJoinedTeam
	}
	s.enqueue(h)
}

// ChannelCreated reports a new channel (hook ChannelHasBeenCreated). Direct
// and group messages have no team and are not reported.
func (s *Service) ChannelCreated(ch *model.Channel) {
	if ch.TeamId == "" {
		return
	}
	s.enqueue(happening{subject: apps.SubjectChannelCreated, scope: ch.TeamId, channelID: ch.Id, teamID: ch.TeamId})
}

// Start starts the delivery workers.
func (s *Service) Start() {
	s.stop = make(chan struct{})
	for range s.d.Workers {
		s.wg.Add(1)
		go s.work(s.stop)
	}
}

// Stop stops the workers after the calls they are making; queued events
// are dropped.
func (s *Service) Stop() {
	if s.stop == nil {
		return
	}
	close(s.stop)
	s.wg.Wait()
	s.stop = nil
}

// Dropped is the number of events dropped because the queue was full.
func (s *Service) Dropped() int64 { return s.dropped.Load() }

// enqueue never blocks the hook: with nobody subscribed (known from the
// index) it does nothing; with a full queue it drops the event.
func (s *Service) enqueue(h happening) {
	if s.nobodyWatches(h) {
		return
	}
	select {
	case s.queue <- h:
	default:
		n := s.dropped.Add(1)
		now := time.Now().Unix()
		if last := s.lastLog.Load(); now-last >= 60 && s.lastLog.CompareAndSwap(last, now) {
			s.d.Log.Warn("Subscriptions: the delivery queue is full; events are dropped (apps are answering too slowly)",
				"subject", string(h.subject), "queue_size", s.d.QueueSize, "dropped_since_start", n)
		}
	}
}

// nobodyWatches is true when the loaded index has no subscriber for h.
// Without a loaded index it is false: a worker loads it.
func (s *Service) nobodyWatches(h happening) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.idx == nil {
		return false
	}
	for _, k := range []string{eventKey(h.subject, h.scope), eventKey(h.subject, ""), eventKey(h.botSubject, "")} {
		if len(s.idx[k]) > 0 {
			return false
		}
	}
	return true
}

func (s *Service) work(stop chan struct{}) {
	defer s.wg.Done()
	for {
		select {
		case <-stop:
			return
		case h := <-s.queue:
			s.deliver(h)
		}
	}
}

// target is one subscription to call for a happening.
type target struct {
	entry
	subject apps.Subject
	scoped  bool // watches a channel or team (not the subscriber themselves)
}

// targets finds who to call for h.
func (s *Service) targets(h happening) ([]target, error) {
	var out []target
	add := func(subject apps.Subject, scope string, keep func(entry) bool) error {
		if subject == "" {
			return nil
		}
		list, err := s.lookup(subject, scope)
		if err != nil {
			return err
		}
		for _, e := range list {
			if keep == nil || keep(e) {
				out = append(out, target{entry: e, subject: subject, scoped: scope != ""})
			}
		}
		return nil
	}
	self := func(e entry) bool { return e.owner == h.userID }
	var err error
	switch h.subject {
	case apps.SubjectUserCreated:
		err = add(h.subject, "", nil)
	case apps.SubjectChannelCreated:
		err = add(h.subject, h.scope, nil)
	default: // joined or left a channel or team
		if err = add(h.subject, h.scope, nil); err == nil {
			err = add(h.subject, "", self)
		}
		if err == nil {
			err = add(h.botSubject, "", func(e entry) bool {
				app, err := s.d.Apps.Get(e.app)
				return err == nil && app.BotUserID == h.userID
			})
		}
	}
	return out, err
}

func (s *Service) deliver(h happening) {
	targets, err := s.targets(h)
	if err != nil {
		s.d.Log.Warn("Subscriptions: could not read the subscriptions; the event is dropped", "subject", string(h.subject), "error", err.Error())
		return
	}
	if len(targets) == 0 {
		return
	}
	if h.channelID != "" && h.teamID == "" {
		if ch, err := s.d.Channels.GetChannel(h.channelID); err == nil {
			h.teamID = ch.TeamId
		}
	}
	for _, t := range targets {
		s.notify(h, t)
	}
}

// notify makes one subscription's call, if its app is still enabled and
// its subscriber may still see what it watches.
func (s *Service) notify(h happening, t target) {
	app, err := s.d.Apps.Get(t.app)
	if err != nil || !app.Enabled() {
		return
	}
	if t.scoped || t.subject == apps.SubjectUserCreated {
		ev := apps.Event{Subject: t.subject}
		switch t.subject {
		case apps.SubjectUserJoinedChannel, apps.SubjectUserLeftChannel:
			ev.ChannelID = h.scope
		case apps.SubjectUserJoinedTeam, apps.SubjectUserLeftTeam, apps.SubjectChannelCreated:
			ev.TeamID = h.scope
		}
		if err := s.mayWatch(app, t.owner, ev); err != nil {
			s.d.Log.Debug("Subscriptions: the subscriber may no longer see what it watches; not called",
				"app_id", string(app.ID()), "user_id", t.owner, "subject", string(t.subject))
			return
		}
	}
	var rec *record
	if err := s.d.KV.Get(t.key, &rec); err != nil || rec == nil {
		return // unsubscribed meanwhile, or the store failed (logged by the next subscribe)
	}
	call := rec.Call
	creq := &apps.CallRequest{Call: call, Context: apps.Context{
		AppID: app.ID(), Subject: string(t.subject), ChannelID: h.channelID, TeamID: h.teamID, UserID: h.userID,
	}}
	// The outcome is logged once by appcall; nothing to add here.
	_, _ = s.d.Calls.Call(context.Background(), app, creq, t.owner)
}
