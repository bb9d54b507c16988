package appservices

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// emptyObject is what a key without a value reads as (v1.2: "{}", so that
// the answer is always valid JSON).
var emptyObject = []byte("{}")

func jsonValid(data []byte) bool { return json.Valid(data) }

// kvKey checks prefix and key and returns the KV key of the caller's value.
func kvKey(c *Caller, prefix, key string) (string, error) {
	switch {
	case len(prefix) > MaxPrefixLength:
		return "", failure.New(failure.BadRequest, fmt.Sprintf("prefix %q is longer than the limit of %d characters", prefix, MaxPrefixLength))
	case key == "":
		return "", failure.New(failure.BadRequest, "key must not be empty")
	}
	return store.AppKVKey(c.App.ID(), c.UserID, prefix, key), nil
}

// KVGet returns the value the caller stored under prefix and key, or {}
// when there is none.
func (s *Service) KVGet(c *Caller, prefix, key string) ([]byte, error) {
	k, err := kvKey(c, prefix, key)
	if err != nil {
		return nil, err
	}
	var data []byte
	if err := s.d.KV.Get(k, &data); err != nil {
		return nil, s.kvError("get", c, err)
	}
	if len(data) == 0 {
		return emptyObject, nil
	}
	return data, nil
}

// KVSet stores data (valid JSON, at most MaxValueSize bytes) for the caller
// under prefix and key. changed is false when the same value was stored
// already.
func (s *Service) KVSet(c *Caller, prefix, key string, data []byte) (changed bool, err error) {
	k, err := kvKey(c, prefix, key)
	if err != nil {
		return false, err
	}
	if err := checkValue(data); err != nil {
		return false, err
	}
	changed, err = s.storeIfChanged(c, k, data)
	if changed {
		s.d.Log.Debug("App KV value stored", "app_id", string(c.App.ID()), "user_id", c.UserID, "prefix", prefix, "key", key, "size", len(data))
	}
	return changed, err
}

// storeIfChanged stores data at k unless it is there already, and says
// whether it stored it.
func (s *Service) storeIfChanged(c *Caller, k string, data []byte) (bool, error) {
	var old []byte
	if err := s.d.KV.Get(k, &old); err != nil {
		return false, s.kvError("get", c, err)
	}
	if bytes.Equal(old, data) {
		return false, nil
	}
	if _, err := s.d.KV.Set(k, data); err != nil {
		return false, s.kvError("set", c, err)
	}
	return true, nil
}

// KVDelete removes the caller's value under prefix and key (none is fine).
func (s *Service) KVDelete(c *Caller, prefix, key string) error {
	k, err := kvKey(c, prefix, key)
	if err != nil {
		return err
	}
	if err := s.d.KV.Delete(k); err != nil {
		return s.kvError("delete", c, err)
	}
	s.d.Log.Debug("App KV value deleted", "app_id", string(c.App.ID()), "user_id", c.UserID, "prefix", prefix, "key", key)
	return nil
}
