package appcmd

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{"a b  c", []string{"a", "b", "c"}, false},
		{`greet "Ada Lovelace"`, []string{"greet", "Ada Lovelace"}, false},
		{`x 'single "inner"'`, []string{"x", `single "inner"`}, false},
		{`x "" y`, []string{"x", "", "y"}, false},
		{`x a\ b`, []string{"x", "a b"}, false},
		{`x "es\"caped"`, []string{"x", `es"caped`}, false},
		{`x 'no\escape'`, []string{"x", `no\escape`}, false},
		{"x “smart quotes”", []string{"x", "smart quotes"}, false},
		{"grüße  日本語\u00a0tab\tend", []string{"grüße", "日本語", "tab", "end"}, false},
		{`--flag=val "a b"c`, []string{"--flag=val", "a bc"}, false},
		{`x "open`, nil, true},
		{"", nil, false},
	}
	for _, tt := range tests {
		got, err := tokenize(tt.in)
		if tt.err {
			require.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}
