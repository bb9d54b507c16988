package store

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/mattermost/mattermost/server/public/pluginapi"

	"github.com/lambda-apps/lambda-apps/apps"
)

// webhookSecretKey is where the app's remote webhook secret lives: under
// the app's data prefix, so that uninstalling deletes it and a reinstall
// gets a new one. It is kept out of InstalledApp, whose JSON is returned
// by the admin API: secrets never appear in API responses.
func webhookSecretKey(id apps.AppID) string { return AppDataPrefix + string(id) + "/.webhook-secret" }

// WebhookSecret returns the app's remote webhook secret, creating it (32
// random bytes, hex) on first use.
func (s *Apps) WebhookSecret(id apps.AppID) (string, error) {
	if err := id.Validate(); err != nil {
		return "", err
	}
	return s.secret(webhookSecretKey(id), "the webhook secret of "+string(id))
}

// DialogStateSecret returns the key that signs dialog states, the same on
// every cluster node, creating it on first use.
func (s *Apps) DialogStateSecret() (string, error) {
	return s.secret(dialogStateSecretKey, "the dialog signing key")
}

// secret reads the secret at key, creating it (32 random bytes, hex) on
// first use. Concurrent first uses, on any cluster node, agree on one
// secret: it is created with an atomic set-if-absent.
func (s *Apps) secret(key, what string) (string, error) {
	for attempt := 0; attempt < 2; attempt++ {
		var secret string
		if err := s.kv.Get(key, &secret); err != nil {
			return "", fmt.Errorf("read %s: %w", what, err)
		}
		if secret != "" {
			return secret, nil
		}
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return "", fmt.Errorf("generate %s: %w", what, err)
		}
		created, err := s.kv.Set(key, hex.EncodeToString(b), pluginapi.SetAtomic(nil))
		if err != nil {
			return "", fmt.Errorf("save %s: %w", what, err)
		}
		if created {
			return hex.EncodeToString(b), nil
		}
		// Another writer created it first: read theirs.
	}
	return "", fmt.Errorf("save %s: concurrent changes, try again", what)
}
