package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mattermost/mattermost-plugin-apps/apps"
	"github.com/mattermost/mattermost-plugin-apps/apps/appclient"
)

// kvSet stores the value (a JSON string) under prefix/key, as the bot.
func (a *app) kvSet(_ context.Context, creq *apps.CallRequest) apps.CallResponse {
	prefix, key, value := creq.GetValue("prefix", ""), creq.GetValue("key", ""), creq.GetValue("value", "")
	if key == "" {
		return errorf("kv set: give a key, e.g. `/%s kv set greeting hello`", commandTrigger)
	}
	changed, err := appclient.AsBot(creq.Context).KVSet(prefix, key, value)
	if err != nil {
		return errorf("kv set %s: the KV store refused: %v", kvName(prefix, key), err)
	}
	return apps.NewTextResponse("kv set %s = %q (changed: %t)", kvName(prefix, key), value, changed)
}

// kvGet reads prefix/key, as the bot. A missing key reads as {}.
func (a *app) kvGet(_ context.Context, creq *apps.CallRequest) apps.CallResponse {
	prefix, key := creq.GetValue("prefix", ""), creq.GetValue("key", "")
	if key == "" {
		return errorf("kv get: give a key, e.g. `/%s kv get greeting`", commandTrigger)
	}
	var value any
	if err := appclient.AsBot(creq.Context).KVGet(prefix, key, &value); err != nil {
		return errorf("kv get %s: the KV store refused: %v", kvName(prefix, key), err)
	}
	if isUnset(value) {
		return apps.NewTextResponse("kv get %s: not set", kvName(prefix, key))
	}
	data, err := json.Marshal(value)
	if err != nil { // cannot happen: value was decoded from JSON
		return errorf("kv get %s: %v", kvName(prefix, key), err)
	}
	return apps.NewTextResponse("kv get %s = %s", kvName(prefix, key), data)
}

// kvDelete deletes prefix/key, as the bot.
func (a *app) kvDelete(_ context.Context, creq *apps.CallRequest) apps.CallResponse {
	prefix, key := creq.GetValue("prefix", ""), creq.GetValue("key", "")
	if key == "" {
		return errorf("kv delete: give a key, e.g. `/%s kv delete greeting`", commandTrigger)
	}
	if err := appclient.AsBot(creq.Context).KVDelete(prefix, key); err != nil {
		return errorf("kv delete %s: the KV store refused: %v", kvName(prefix, key), err)
	}
	return apps.NewTextResponse("kv delete %s: deleted", kvName(prefix, key))
}

// isUnset reports whether a KVGet result is the "no value" answer: v1.2
// answers a missing key with an empty object (or null).
func isUnset(v any) bool {
	if v == nil {
		return true
	}
	m, ok := v.(map[string]any)
	return ok && len(m) == 0
}

func kvName(prefix, key string) string {
	if prefix == "" {
		return fmt.Sprintf("%q", key)
	}
	return fmt.Sprintf("%q/%q", prefix, key)
}
