package appservices

import (
	"encoding/json"
	"fmt"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// StoreOAuth2App stores the app's remote OAuth2 client (a JSON object with
// client_id, client_secret, remote_root_url, data, as v1.2's OAuth2App),
// kept as given. Only a system admin's acting_user_access_token may, for an
// app granted remote_oauth2.
func (s *Service) StoreOAuth2App(c *Caller, data []byte) error {
	if err := s.notBot(c); err != nil {
		return err
	}
	if !s.d.Users.IsSystemAdmin(c.UserID) {
		return failure.New(failure.Forbidden, "only a system admin may store the app's OAuth2 client: call it with the acting_user_access_token of an admin")
	}
	if err := requireOAuth2(c.App); err != nil {
		return err
	}
	if err := checkValue(data); err != nil {
		return err
	}
	var oa apps.OAuth2App
	if err := json.Unmarshal(data, &oa); err != nil {
		// The error may quote the value: it is not passed on.
		return failure.New(failure.BadRequest, `expected the OAuth2 client as a JSON object {"client_id", "client_secret", "remote_root_url", "data"} with string values (data: any JSON)`)
	}
	changed, err := s.storeIfChanged(c, store.OAuth2AppKey(c.App.ID()), data)
	if err != nil || !changed {
		return err
	}
	s.d.Log.Debug("App OAuth2 client stored", "app_id", string(c.App.ID()), "by", c.UserID)
	s.refresh("")
	return nil
}

// StoreOAuth2User stores the app's remote OAuth2 data of the caller's user
// (any JSON, at most MaxValueSize bytes). Bots are refused: the data is a
// person's.
func (s *Service) StoreOAuth2User(c *Caller, data []byte) error {
	if err := s.notBot(c); err != nil {
		return err
	}
	if err := requireOAuth2(c.App); err != nil {
		return err
	}
	if err := checkValue(data); err != nil {
		return err
	}
	changed, err := s.storeIfChanged(c, store.OAuth2UserKey(c.App.ID(), c.UserID), data)
	if err != nil || !changed {
		return err
	}
	s.d.Log.Debug("App OAuth2 user data stored", "app_id", string(c.App.ID()), "user_id", c.UserID)
	s.refresh(c.UserID)
	return nil
}

// OAuth2User returns the app's remote OAuth2 data of the caller's user, {}
// when there is none.
func (s *Service) OAuth2User(c *Caller) ([]byte, error) {
	if err := s.notBot(c); err != nil {
		return nil, err
	}
	if err := requireOAuth2(c.App); err != nil {
		return nil, err
	}
	data, err := s.oauth2UserData(c.App.ID(), c.UserID)
	if err != nil {
		return nil, s.kvError("get", c, err)
	}
	if len(data) == 0 {
		return emptyObject, nil
	}
	return data, nil
}

func (s *Service) oauth2UserData(id apps.AppID, userID string) ([]byte, error) {
	var data []byte
	if err := s.d.KV.Get(store.OAuth2UserKey(id, userID), &data); err != nil {
		return nil, err
	}
	return data, nil
}

// RemoteOAuth2App returns the app's stored remote OAuth2 client (zero when
// none), for the call context (expand.OAuth2).
func (s *Service) RemoteOAuth2App(id apps.AppID) (apps.OAuth2App, error) {
	var data []byte
	if err := s.d.KV.Get(store.OAuth2AppKey(id), &data); err != nil {
		return apps.OAuth2App{}, fmt.Errorf("read the OAuth2 client of %s: %w", id, err)
	}
	var oa apps.OAuth2App
	if len(data) == 0 {
		return oa, nil
	}
	if err := json.Unmarshal(data, &oa); err != nil {
		return apps.OAuth2App{}, fmt.Errorf("the stored OAuth2 client of %s is not valid", id) // the cause may quote secrets
	}
	return oa, nil
}

// RemoteOAuth2User returns the app's remote OAuth2 data of userID (nil when
// none), for the call context (expand.OAuth2).
func (s *Service) RemoteOAuth2User(id apps.AppID, userID string) (json.RawMessage, error) {
	data, err := s.oauth2UserData(id, userID)
	if err != nil {
		return nil, fmt.Errorf("read the OAuth2 data of a user of %s: %w", id, err)
	}
	return data, nil
}
