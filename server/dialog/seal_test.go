package dialog

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
)

const testSecret = "0123456789abcdef0123456789abcdef0123456789abcdef"

func testSealer(now *time.Time) *Sealer {
	return &Sealer{Secret: func() (string, error) { return testSecret, nil }, Now: func() time.Time { return *now }}
}

func formState() State {
	return State{Kind: KindForm, Where: Where{AppID: "hello", ChannelID: "c1"}, Call: apps.NewCall("/survey/submit"),
		Fields: map[string]Field{"color": {Type: apps.FieldTypeStaticSelect, Options: []apps.SelectOption{{Value: "r"}}}}}
}

func TestSealRoundTrip(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := testSealer(&now)
	raw, err := s.Seal("u1", formState())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(raw, "v1."))
	got, err := s.Open("u1", raw)
	require.NoError(t, err)
	assert.Equal(t, formState(), got)
}

// forge re-encodes the payload of a sealed state after changing it, keeping
// the original signature: what an attacker who edits the state can do.
func forge(t *testing.T, raw string, change func(p *sealed)) string {
	t.Helper()
	parts := strings.Split(raw, ".")
	require.Len(t, parts, 3)
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var p sealed
	require.NoError(t, json.Unmarshal(b, &p))
	change(&p)
	b, err = json.Marshal(p)
	require.NoError(t, err)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
}

func TestOpenRefuses(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := testSealer(&now)
	raw, err := s.Seal("u1", formState())
	require.NoError(t, err)
	other := &Sealer{Secret: func() (string, error) { return strings.Repeat("z", 48), nil }, Now: s.Now}
	fromOtherServer, err := other.Seal("u1", formState())
	require.NoError(t, err)
	unsigned, err := json.Marshal(formState())
	require.NoError(t, err)

	for _, tc := range []struct {
		name, user, raw string
		want            error
	}{
		{"the old unsigned JSON state", "u1", string(unsigned), ErrBadState},
		{"empty", "u1", "", ErrBadState},
		{"call path changed", "u1", forge(t, raw, func(p *sealed) { p.State.Call = apps.NewCall("/webhook/notify") }), ErrBadState},
		{"app changed", "u1", forge(t, raw, func(p *sealed) { p.State.AppID = "other" }), ErrBadState},
		{"channel changed", "u1", forge(t, raw, func(p *sealed) { p.State.ChannelID = "secret" }), ErrBadState},
		{"expiry extended", "u1", forge(t, raw, func(p *sealed) { p.Expires += 3600 }), ErrBadState},
		{"user changed to the submitter", "u2", forge(t, raw, func(p *sealed) { p.UserID = "u2" }), ErrBadState},
		{"signature cut", "u1", raw[:strings.LastIndexByte(raw, '.')], ErrBadState},
		{"signature of another key", "u1", fromOtherServer, ErrBadState},
		{"another user submits", "u2", raw, ErrOtherUser},
		{"kind changed to consent", "u1", forge(t, raw, func(p *sealed) { p.State.Kind = KindConsent }), ErrBadState},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Open(tc.user, tc.raw)
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

func TestOpenRefusesExpired(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := testSealer(&now)
	s.TTL = time.Hour
	raw, err := s.Seal("u1", formState())
	require.NoError(t, err)
	now = now.Add(59 * time.Minute)
	_, err = s.Open("u1", raw)
	require.NoError(t, err, "still valid just before the TTL")
	now = now.Add(time.Minute)
	_, err = s.Open("u1", raw)
	assert.ErrorIs(t, err, ErrExpiredState)
}

func TestSealerSecretProblems(t *testing.T) {
	calls := 0
	s := &Sealer{Secret: func() (string, error) {
		calls++
		if calls == 1 {
			return "", errors.New("KV store down")
		}
		return testSecret, nil
	}}
	_, err := s.Seal("u1", formState())
	require.ErrorContains(t, err, "KV store down")
	raw, err := s.Seal("u1", formState())
	require.NoError(t, err, "a failed read is tried again")
	_, err = s.Open("u1", raw)
	require.NoError(t, err)
	assert.Equal(t, 2, calls, "the key is read once, then kept")

	short := &Sealer{Secret: func() (string, error) { return "short", nil }}
	_, err = short.Seal("u1", formState())
	assert.ErrorContains(t, err, "too short")
	_, err = (&Sealer{}).Open("u1", "v1.x.y")
	assert.Error(t, err)
}
