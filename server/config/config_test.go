package config

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadPrecedence(t *testing.T) {
	tests := []struct {
		name         string
		env          map[string]string
		settings     Settings
		wantRegion   string
		wantRegionSr Source
		wantBucket   string
		wantBucketSr Source
	}{
		{"defaults", nil, Settings{}, "us-east-1", SourceDefault, "mattermost-apps-bucket", SourceDefault},
		{"console", nil, Settings{AWSRegion: "eu-west-1", S3Bucket: "console-bucket"}, "eu-west-1", SourceConsole, "console-bucket", SourceConsole},
		{"env wins", map[string]string{EnvRegion: "ap-south-1", EnvBucket: "env-bucket"}, Settings{AWSRegion: "eu-west-1", S3Bucket: "console-bucket"}, "ap-south-1", SourceEnvironment, "env-bucket", SourceEnvironment},
		{"blank env ignored", map[string]string{EnvRegion: "  ", EnvBucket: ""}, Settings{AWSRegion: "eu-west-1"}, "eu-west-1", SourceConsole, "mattermost-apps-bucket", SourceDefault},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Load(tt.settings, envOf(tt.env))
			assert.Equal(t, tt.wantRegion, c.Region)
			assert.Equal(t, tt.wantRegionSr, c.RegionSource)
			assert.Equal(t, tt.wantBucket, c.Bucket)
			assert.Equal(t, tt.wantBucketSr, c.BucketSource)
			assert.Empty(t, c.Problems)
		})
	}
}

func TestLoadCredentials(t *testing.T) {
	c := Load(Settings{}, envOf(map[string]string{EnvAccessKey: "AKIAEXAMPLE123", EnvSecretKey: "s3cr3t/value+xyz"}))
	assert.True(t, c.AWSEnabled())
	assert.Empty(t, c.Problems)
	for _, s := range []string{fmt.Sprint(c.Credentials), fmt.Sprintf("%+v", c.Credentials), fmt.Sprintf("%#v", c.Credentials)} {
		assert.NotContains(t, s, "s3cr3t")
		assert.NotContains(t, s, "AKIAEXAMPLE123")
	}

	half := Load(Settings{}, envOf(map[string]string{EnvAccessKey: "AKIAEXAMPLE123"}))
	assert.False(t, half.AWSEnabled())
	require.Len(t, half.Problems, 1)
	assert.Contains(t, half.Problems[0], EnvSecretKey+" is not set")

	none := Load(Settings{}, envOf(nil))
	assert.False(t, none.AWSEnabled())
	assert.Empty(t, none.Problems)
}

func TestLoadNumbers(t *testing.T) {
	tests := []struct {
		name        string
		json        string
		wantRefresh time.Duration
		wantTimeout time.Duration
		problem     string
	}{
		{"unset", `{}`, 15 * time.Minute, 30 * time.Second, ""},
		{"numbers", `{"CatalogRefreshMinutes": 5, "CallTimeoutSeconds": 10}`, 5 * time.Minute, 10 * time.Second, ""},
		{"strings", `{"CatalogRefreshMinutes": "0", "CallTimeoutSeconds": " 60 "}`, 0, time.Minute, ""},
		{"not a number", `{"CallTimeoutSeconds": "soon"}`, 15 * time.Minute, 30 * time.Second, `"soon" is not a whole number`},
		{"fraction", `{"CallTimeoutSeconds": 1.5}`, 15 * time.Minute, 30 * time.Second, "not a whole number"},
		{"too large", `{"CallTimeoutSeconds": 9000}`, 15 * time.Minute, 30 * time.Second, "9000 is outside 1-900"},
		{"negative", `{"CatalogRefreshMinutes": -1}`, 15 * time.Minute, 30 * time.Second, "-1 is outside 0-1440"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Settings
			require.NoError(t, json.Unmarshal([]byte(tt.json), &s))
			c := Load(s, envOf(nil))
			assert.Equal(t, tt.wantRefresh, c.CatalogRefresh)
			assert.Equal(t, tt.wantTimeout, c.CallTimeout)
			if tt.problem == "" {
				assert.Empty(t, c.Problems)
			} else {
				require.Len(t, c.Problems, 1)
				assert.Contains(t, c.Problems[0], tt.problem)
			}
		})
	}
}

func TestLoadTokenLifetime(t *testing.T) {
	tests := []struct {
		json    string
		want    time.Duration
		problem string
	}{
		{`{}`, 15 * time.Minute, ""},
		{`{"AppTokenLifetimeSeconds": 8}`, 8 * time.Second, ""},
		{`{"AppTokenLifetimeSeconds": "3600"}`, time.Hour, ""},
		{`{"AppTokenLifetimeSeconds": 1}`, 15 * time.Minute, "1 is outside 5-86400"},
		{`{"AppTokenLifetimeSeconds": 100000}`, 15 * time.Minute, "outside 5-86400"},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			var s Settings
			require.NoError(t, json.Unmarshal([]byte(tt.json), &s))
			c := Load(s, envOf(nil))
			assert.Equal(t, tt.want, c.TokenLifetime)
			if tt.problem == "" {
				assert.Empty(t, c.Problems)
			} else {
				require.Len(t, c.Problems, 1)
				assert.Contains(t, c.Problems[0], tt.problem)
			}
		})
	}
}

func TestLoadInvalidNames(t *testing.T) {
	c := Load(Settings{}, envOf(map[string]string{EnvRegion: "Mars", EnvBucket: "Bad_Bucket"}))
	assert.Equal(t, "us-east-1", c.Region)
	require.Len(t, c.Problems, 2)
	assert.True(t, strings.Contains(c.Problems[0], `"Mars"`))
	assert.True(t, strings.Contains(c.Problems[1], `"Bad_Bucket"`))
}

func TestEndpointsFromEnv(t *testing.T) {
	c := Load(Settings{}, envOf(map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_LAMBDA": "http://127.0.0.1:9001"}))
	assert.Equal(t, "http://127.0.0.1:5000", c.Endpoints.S3Endpoint())
	assert.Equal(t, "http://127.0.0.1:9001", c.Endpoints.LambdaEndpoint())
}

func TestLoadNativeSiteURLApps(t *testing.T) {
	tests := []struct {
		json string
		want map[string]bool
	}{
		{`{}`, nil},
		{`{"NativeSiteURLApps": ""}`, nil},
		{`{"NativeSiteURLApps": "hello"}`, map[string]bool{"hello": true}},
		{`{"NativeSiteURLApps": " hello, zendesk ,,\nopsgenie "}`, map[string]bool{"hello": true, "zendesk": true, "opsgenie": true}},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			var s Settings
			require.NoError(t, json.Unmarshal([]byte(tt.json), &s))
			assert.Equal(t, tt.want, Load(s, envOf(nil)).NativeSiteURLApps)
		})
	}
}
