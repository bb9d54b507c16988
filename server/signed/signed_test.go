package signed

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func secret() (string, error) { return strings.Repeat("s", 64), nil }

func TestSealOpen(t *testing.T) {
	k := &Key{Secret: secret, What: "tests"}
	raw, err := k.Seal("v1", map[string]int{"a": 1})
	require.NoError(t, err)
	var got map[string]int
	require.NoError(t, k.Open("v1", raw, &got))
	assert.Equal(t, map[string]int{"a": 1}, got)

	labelled := &Key{Secret: secret, Label: "other kind", What: "tests"}
	other, err := labelled.Seal("v1", map[string]int{"a": 1})
	require.NoError(t, err)
	cut := strings.LastIndexByte(raw, '.')
	refused := map[string]string{
		"another version":                       "v2" + raw[2:],
		"a changed payload":                     "v1.eyJhIjoyfQ" + raw[cut:],
		"no signature":                          raw[:cut],
		"a changed signature":                   raw[:len(raw)-1] + string(raw[len(raw)-1]^1),
		"sealed under a key with another label": other,
		"not sealed at all":                     "hello",
	}
	for name, r := range refused {
		assert.True(t, errors.Is(k.Open("v1", r, &got), ErrInvalid), name)
	}
}

func TestKeyProblems(t *testing.T) {
	_, err := (&Key{What: "tests"}).Seal("v1", 1)
	assert.ErrorContains(t, err, "tests cannot be signed: no secret configured")
	_, err = (&Key{Secret: func() (string, error) { return "short", nil }, What: "tests"}).Seal("v1", 1)
	assert.ErrorContains(t, err, "too short")
	_, err = (&Key{Secret: func() (string, error) { return "", errors.New("kv down") }, What: "tests"}).Seal("v1", 1)
	assert.ErrorContains(t, err, "kv down")
}
